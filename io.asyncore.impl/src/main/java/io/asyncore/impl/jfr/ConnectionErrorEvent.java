package io.asyncore.impl.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A hook failed (a bug, or a per-connection limit reached); handleError runs next. */
@Name("io.asyncore.ConnectionError")
@Label("Connection Error")
@Category({"asyncore"})
@Description("A dispatcher's hook failed or a per-connection limit was reached; handleError closes the connection by default")
final class ConnectionErrorEvent extends Event {

    @Label("Dispatcher")
    String dispatcher;

    @Label("Error Type")
    String errorType;

    @Label("Message")
    String message;

    @Label("Limit")
    @Description("Whether a per-connection limit was reached (LimitExceededException)")
    boolean limit;
}
