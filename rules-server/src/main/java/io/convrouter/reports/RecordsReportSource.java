package io.convrouter.reports;

import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;

/**
 * Reports over records held in memory (the simulator's stores, tests): each call walks them and
 * keeps those in the range.
 */
public final class RecordsReportSource implements ReportSource {
    private final Supplier<? extends Iterable<ConversationRecord>> conversations;
    private final Supplier<? extends Iterable<DecisionRecord>> decisions;

    public RecordsReportSource(Supplier<? extends Iterable<ConversationRecord>> conversations,
                               Supplier<? extends Iterable<DecisionRecord>> decisions) {
        this.conversations = conversations;
        this.decisions = decisions;
    }

    @Override
    public void conversationsCreated(Instant from, Instant to, Consumer<ConversationRecord> each) {
        for (ConversationRecord c : conversations.get()) {
            if (inRange(c.createdAt(), from, to)) {
                each.accept(c);
            }
        }
    }

    @Override
    public void decisions(Instant from, Instant to, Set<DecisionKind> kinds, Consumer<DecisionRecord> each) {
        for (DecisionRecord d : decisions.get()) {
            if (kinds.contains(d.kind()) && inRange(d.at(), from, to)) {
                each.accept(d);
            }
        }
    }

    private static boolean inRange(Instant at, Instant from, Instant to) {
        return at != null && !at.isBefore(from) && at.isBefore(to);
    }
}
