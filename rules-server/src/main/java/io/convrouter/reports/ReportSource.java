package io.convrouter.reports;

import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;

/**
 * Where reports read from: one pass over a time range, in no particular order, so a store can
 * stream it from an index on the time field without sorting or holding it. Records may carry
 * only what reports read (no text, customer, fields or candidates).
 */
public interface ReportSource {

    /** Every conversation created in [from, to). */
    void conversationsCreated(Instant from, Instant to, Consumer<ConversationRecord> each);

    /** Every decision of these kinds made in [from, to). */
    void decisions(Instant from, Instant to, Set<DecisionKind> kinds, Consumer<DecisionRecord> each);
}
