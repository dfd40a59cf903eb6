package io.convrouter.events;

import java.time.Instant;

/**
 * Where one event stands with one endpoint.
 *
 * @param state         pending (to be sent, maybe after {@code nextAttemptAt}), done (the endpoint answered 2xx)
 *                      or failed (parked after the last allowed attempt)
 * @param attempts      requests made so far
 * @param nextAttemptAt not before this (null: at once)
 * @param lastAttemptAt when the last request was made
 * @param lastError     why the last request failed ("HTTP 503", "connect timed out"...)
 */
public record DeliveryState(State state, int attempts, Instant nextAttemptAt, Instant lastAttemptAt, String lastError) {

    public enum State {
        PENDING, DONE, FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static State of(String wire) {
            return wire == null ? PENDING : State.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public static final DeliveryState NEW = new DeliveryState(State.PENDING, 0, null, null, null);

    public boolean pending() {
        return state == State.PENDING;
    }
}
