package io.convrouter.dispatch;

import java.time.Instant;
import java.util.Optional;

import io.convrouter.conversation.ConversationStatus;
import io.convrouter.workbench.BusinessCalendar;
import io.convrouter.workbench.QueueDispatch;
import io.convrouter.workbench.Workbench;

/**
 * A queue takes conversations for its agents while its calendar is open; outside its hours (or
 * on a holiday) a conversation goes where the queue's {@code afterHours} says: the bot, a message
 * left for later, or a call back.
 */
public final class BusinessHours implements QueueAvailability {
    private final Workbench workbench;

    public BusinessHours(Workbench workbench) {
        this.workbench = workbench;
    }

    @Override
    public Optional<Parking> check(String queue, Instant now) {
        Optional<BusinessCalendar> calendar = workbench.calendarOf(queue);
        if (calendar.isEmpty() || calendar.get().isOpen(now)) {
            return Optional.empty();
        }
        QueueDispatch d = workbench.dispatchOf(queue);
        ConversationStatus to = switch (d.afterHours()) {
            case "bot" -> ConversationStatus.BOT;
            case "callback" -> ConversationStatus.CALLBACK;
            default -> ConversationStatus.MESSAGE;
        };
        return Optional.of(new Parking(to, "queue " + queue + " is " + calendar.get().describeAt(now) + "; sent to "
                + to.wireName(), calendar.get().nextOpening(now).orElse(null)));
    }
}
