package io.asyncore.impl.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** One delivery to a dispatcher ran longer than the slow-handler threshold. */
@Name("io.asyncore.SlowHandler")
@Label("Slow Dispatcher Handler")
@Category({"asyncore"})
@Description("A dispatcher's hooks for one delivery ran longer than the slow-handler threshold")
final class SlowHandlerEvent extends Event {

    @Label("Dispatcher")
    String dispatcher;

    @Label("Handler Time")
    @Timespan(Timespan.NANOSECONDS)
    long handlerTime;

    @Label("Threshold")
    @Timespan(Timespan.NANOSECONDS)
    long threshold;
}
