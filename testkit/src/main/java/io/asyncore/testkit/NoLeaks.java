package io.asyncore.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks that a test class cleans up after itself, registered with
 * {@code @ExtendWith(NoLeaks.class)}: after each test the default {@link ChannelMap} is
 * empty (what is left is closed, and the test fails); after the class no descriptor is
 * open that was not open before it, and no thread it started still runs. Descriptors
 * count by kind (sockets, pipes, epoll and eventfd entries of {@code /proc/self/fd}; jar
 * files opened by class loading do not count unless a subclass says so). Closed channels
 * release their descriptor when the last selector lets go, and ended threads take a
 * moment to leave, so the check settles for at most 5 s before it fails.
 *
 * <p>A module with descriptors of its own extends this class: {@link #counts} widens
 * what is counted, {@link #warmUp} opens what stays open for good beforehand.
 */
public class NoLeaks implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeaks.class);

    /** Threads the test framework and the JDK start and keep on their own. */
    private static final List<String> NOT_OURS = List.of(
            "junit-", "ForkJoinPool", "process reaper", "JFR ", "Attach Listener", "surefire-");

    /** The check as the engine's tests need it: sockets, pipes and anonymous inodes. */
    public NoLeaks() {}

    /**
     * Whether a descriptor counts.
     *
     * @param target what its link in {@code /proc/self/fd} points to
     * @return true for sockets, pipes and anonymous inodes
     */
    protected boolean counts(String target) {
        return Descriptors.isIo(target);
    }

    /**
     * Opens once what stays open for good once used, before the first count.
     *
     * @throws IOException if that fails
     */
    protected void warmUp() throws IOException {
        Descriptors.warmUp();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        warmUp();
        context.getStore(NS).put("fds", Descriptors.list(this::counts));
        context.getStore(NS).put("threads", threads());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<Dispatcher> left = ChannelMap.defaultMap().dispatchers();
        if (!left.isEmpty()) {
            Asyncore.closeAll(null, true);
            fail("test left " + left.size() + " dispatchers in the default map: " + left);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Asyncore.closeAll(null, true);
        @SuppressWarnings("unchecked")
        List<String> fdsBefore = context.getStore(NS).get("fds", List.class);
        @SuppressWarnings("unchecked")
        Set<String> threadsBefore = context.getStore(NS).get("threads", Set.class);
        List<String> extraFds = List.of();
        Set<String> extraThreads = Set.of();
        for (int attempt = 0; attempt < 100; attempt++) {
            extraFds = added(fdsBefore, Descriptors.list(this::counts));
            extraThreads = threads();
            extraThreads.removeAll(threadsBefore);
            if (extraFds.isEmpty() && extraThreads.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        StringBuilder why = new StringBuilder(context.getDisplayName()).append(" leaked");
        if (!extraFds.isEmpty()) {
            why.append(' ').append(extraFds.size()).append(" descriptors ")
                    .append(extraFds.subList(0, Math.min(20, extraFds.size())));
        }
        if (!extraThreads.isEmpty()) {
            why.append(" threads ").append(extraThreads);
        }
        fail(why.toString());
    }

    /** The entries of {@code now} beyond what {@code before} had of each kind. */
    private static List<String> added(List<String> before, List<String> now) {
        List<String> kindsBefore = new ArrayList<>();
        before.forEach(entry -> kindsBefore.add(Descriptors.kind(entry)));
        List<String> extra = new ArrayList<>();
        for (String entry : now) {
            if (!kindsBefore.remove(Descriptors.kind(entry))) {
                extra.add(entry);
            }
        }
        return extra;
    }

    /** The live threads that are not the test framework's or the JDK's, as "name#id". */
    private static Set<String> threads() {
        Set<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && NOT_OURS.stream().noneMatch(t.getName()::startsWith)) {
                names.add(t.getName() + "#" + t.getId());
            }
        }
        return names;
    }
}
