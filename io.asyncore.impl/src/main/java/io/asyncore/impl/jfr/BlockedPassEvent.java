package io.asyncore.impl.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** A pass held the loop thread longer than the blocked-loop threshold. */
@Name("io.asyncore.BlockedPass")
@Label("Blocked Event Loop Pass")
@Category({"asyncore"})
@Description("A pass of an event loop stayed busy longer than the blocked-loop threshold")
final class BlockedPassEvent extends Event {

    @Label("Loop")
    String loop;

    @Label("Busy")
    @Timespan(Timespan.NANOSECONDS)
    long busy;

    @Label("Threshold")
    @Timespan(Timespan.NANOSECONDS)
    long threshold;

    @Label("Dispatcher")
    @Description("The dispatcher whose hook was running, as its repr")
    String dispatcher;
}
