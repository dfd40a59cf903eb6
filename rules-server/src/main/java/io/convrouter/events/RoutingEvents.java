package io.convrouter.events;

/**
 * Where the routing core reports state changes. Implementations must never block routing: they
 * record the event (durably) and deliver it later.
 */
public interface RoutingEvents {
    void publish(RoutingEvent event);

    RoutingEvents NONE = event -> { };
}
