package io.convrouter.dispatch;

import java.time.Instant;
import java.util.Optional;

import io.convrouter.conversation.ConversationStatus;

/** Whether a queue takes conversations for its agents now (business hours), and if not, where they go. */
public interface QueueAvailability {

    /** Where a conversation goes instead of the queue, why, and until when (null: unknown). */
    record Parking(ConversationStatus status, String reason, Instant until) {}

    /** Empty when the queue takes conversations now. */
    Optional<Parking> check(String queue, Instant now);

    QueueAvailability ALWAYS_OPEN = (queue, now) -> Optional.empty();
}
