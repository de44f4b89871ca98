package io.asyncore.impl.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** A listener stopped accepting for a while because descriptors ran out. */
@Name("io.asyncore.AcceptPause")
@Label("Accept Pause")
@Category({"asyncore"})
@Description("A listening dispatcher paused accepting: the process or system ran out of file descriptors")
final class AcceptPauseEvent extends Event {

    @Label("Listener")
    String dispatcher;

    @Label("Cause")
    String cause;

    @Label("Pause")
    @Timespan(Timespan.MILLISECONDS)
    long pause;
}
