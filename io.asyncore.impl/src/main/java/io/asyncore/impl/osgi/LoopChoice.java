package io.asyncore.impl.osgi;

import io.asyncore.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;

/**
 * Where a dispatcher service goes: the default loop when it has no
 * {@value Whiteboard#TARGET}, else, of the running loops its filter matches, the one
 * serving the fewest registrations; or why no loop will.
 *
 * @param loop the chosen loop, or null
 * @param mismatch why no loop is chosen, or null
 * @param candidates every loop that matches
 */
record LoopChoice(EventLoop loop, String mismatch, List<EventLoop> candidates) {

    /** Whether {@code l} is one of the loops that match. */
    boolean matches(EventLoop l) {
        return candidates.contains(l);
    }

    /**
     * Chooses a loop.
     *
     * @param target the service's {@value Whiteboard#TARGET} property, or null
     * @param running the running loops, the default loop first
     * @param served how many registrations a loop serves now
     * @return the choice
     */
    static LoopChoice of(Object target, List<ServedLoop.Member> running, ToLongFunction<EventLoop> served) {
        if (target == null) {
            return running.isEmpty() ? none("no loop is running")
                    : new LoopChoice(running.get(0).loop(), null, List.of(running.get(0).loop()));
        }
        if (!(target instanceof String text)) {
            return none(Whiteboard.TARGET + " must be an LDAP filter string, got " + target.getClass().getName());
        }
        Filter filter;
        try {
            filter = FrameworkUtil.createFilter(text);
        } catch (InvalidSyntaxException e) {
            return none(Whiteboard.TARGET + " '" + text + "' is not a valid LDAP filter: " + e.getMessage());
        }
        List<EventLoop> matching = new ArrayList<>();
        for (ServedLoop.Member m : running) {
            if (filter.matches(m.properties())) {
                matching.add(m.loop());
            }
        }
        if (matching.isEmpty()) {
            return none(Whiteboard.TARGET + " " + text + " matches no loop (running: "
                    + running.stream().map(m -> String.valueOf(m.properties().get(LoopConfig.NAME))).toList() + ")");
        }
        EventLoop least = matching.get(0);
        long fewest = Long.MAX_VALUE;
        for (EventLoop l : matching) {
            long count = served.applyAsLong(l);
            if (count < fewest) {
                fewest = count;
                least = l;
            }
        }
        return new LoopChoice(least, null, matching);
    }

    private static LoopChoice none(String why) {
        return new LoopChoice(null, why, List.of());
    }
}
