/**
 * The echo server as a Declarative Services component ({@code io.asyncore.examples.ds.EchoComponent}):
 * a bundle for a framework with a DS runtime (Felix SCR) and Config Admin. Exports nothing:
 * DS makes the component, the whiteboard of {@code io.asyncore.impl} adopts it.
 */
module io.asyncore.examples.ds {
    requires io.asyncore.api;
    requires static org.osgi.service.component.annotations;
}
