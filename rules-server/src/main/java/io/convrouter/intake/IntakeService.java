package io.convrouter.intake;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import io.convrouter.audit.DecisionInputs;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.ActiveRuleset;
import io.convrouter.classify.Classification;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RoutingInput;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.dispatch.AssignmentRecorder;
import io.convrouter.dispatch.DispatchResult;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.ids.Ids;
import io.convrouter.store.Durability;
import io.convrouter.workbench.Workbench;

/**
 * Intake: one conversation in, classified by the active ruleset, stored, dispatched, and its
 * decision logged, all durable before the caller hears back. Idempotent on channel and
 * external id.
 */
public final class IntakeService {
    private final Workbench workbench;
    private final IntakeValidator validator;
    private final ActiveRuleset rulesets;
    private final Classifier classifier;
    private final ConversationStore conversations;
    private final Dispatcher dispatcher;
    private final DecisionLog decisions;
    private final AssignmentRecorder assignments;
    private final Durability durability;
    private final Clock clock;
    private final Instant startedAt;

    public IntakeService(Workbench workbench, ActiveRuleset rulesets, Classifier classifier,
                         ConversationStore conversations, Dispatcher dispatcher, DecisionLog decisions,
                         Durability durability, Clock clock) {
        this.workbench = workbench;
        this.validator = new IntakeValidator(workbench);
        this.rulesets = rulesets;
        this.classifier = classifier;
        this.conversations = conversations;
        this.dispatcher = dispatcher;
        this.decisions = decisions;
        this.assignments = new AssignmentRecorder(decisions, clock);
        this.durability = durability;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public IntakeResult receive(IntakeRequest request) {
        validator.check(request);
        Optional<ConversationRecord> existing = conversations.findByExternalId(request.channel(), request.externalId());
        if (existing.isPresent()) {
            return repeated(existing.get());
        }
        Instant now = clock.instant();
        String conversationId = Ids.newId();
        String decisionId = Ids.newId();
        ConversationRecord.CustomerInfo customer = request.customer() != null ? request.customer()
                : new ConversationRecord.CustomerInfo(null, workbench.routing().defaultTier(), false, null, 0, null);
        if (customer.tier() == null) {
            customer = new ConversationRecord.CustomerInfo(customer.id(), workbench.routing().defaultTier(),
                    customer.returning(), customer.lastAgentId(), customer.orderCount(), customer.tags());
        }
        ConversationRecord.EntryInfo entry = request.entry() != null ? request.entry()
                : new ConversationRecord.EntryInfo(null, null, null);

        // Customers split stably between variants while an experiment runs; anonymous ones by their message id.
        ActiveRuleset.Selection selection = rulesets.select(customer.id() != null ? customer.id()
                : request.channel() + ":" + request.externalId());
        Ruleset ruleset = selection.ruleset();
        Workbench.RoutingDefaults defaults = workbench.routing();
        Classification classification = new RoutingInput(conversationId, request.channel(), request.text(),
                request.language(), customer.id(), customer.tier(), customer.returning(), customer.lastAgentId(),
                customer.orderCount(), customer.tags(), entry.campaign(), entry.landingPage(), entry.businessLine(),
                request.fields())
                .classify(classifier, ruleset, new RoutingInput.Defaults(defaults.defaultQueue(),
                        defaults.defaultPriority(), defaults.defaultSlaSeconds(), defaults.defaultLanguage()));
        Classification.Plan decided = classification.plan();
        ConversationStatus status = decided.botFirst() ? ConversationStatus.BOT : ConversationStatus.QUEUED;
        ConversationRecord record = new ConversationRecord(conversationId, request.channel(), request.externalId(),
                request.text(), request.language(), customer, entry, request.fields(), decided, ruleset.version(),
                status, null, decisionId, now, null, null, null, null, selection.experimentId(), selection.variant());
        Optional<ConversationRecord> raced = conversations.insertIfAbsent(record);
        if (raced.isPresent()) {
            return repeated(raced.get());
        }
        long dispatchStart = System.nanoTime();
        DispatchResult dispatch = status == ConversationStatus.QUEUED ? dispatcher.submit(record) : null;
        long dispatchNanos = System.nanoTime() - dispatchStart;
        ConversationRecord stored = record;
        String outcome;
        String reason;
        if (dispatch == null) {
            outcome = "bot";
            reason = "the plan sends this conversation to the bot first";
        } else if (dispatch.agentId() != null) {
            stored = record.assigned(dispatch.agentId(), now);
            outcome = "assigned";
            reason = "best eligible agent in queue " + decided.queue();
        } else {
            outcome = "queued";
            reason = "no eligible agent with spare capacity; waiting in queue " + decided.queue();
        }
        decisions.append(new DecisionRecord(decisionId, DecisionKind.ROUTED, now, conversationId, ruleset.version(),
                DecisionInputs.of(record), classification.rulesFired(), decided,
                dispatch == null ? null : dispatch.candidates(), dispatch == null ? null : dispatch.agentId(),
                outcome, selection.experimentId() == null ? reason
                        : reason + "; experiment " + selection.experimentId() + " (" + selection.variant() + ")",
                (classification.nanos() + dispatchNanos) / 1000));
        if (dispatch != null) {
            assignments.record(dispatch.others(), "dispatched while routing conversation " + conversationId);
        }
        durability.awaitDurable();
        int position = stored.status() == ConversationStatus.QUEUED ? dispatcher.positionOf(conversationId) : 0;
        return new IntakeResult(stored, true, classification.rulesFired(), position);
    }

    /**
     * A crash can make a conversation durable (another request's commit carried it) before its own
     * routing decision was written. The integration never heard back, so it sends the message
     * again; before answering, write the decision the conversation names, from what it recorded.
     * (Another instance sharing the database could in theory still be writing it; then the one
     * written first stands, since both have the same id.)
     */
    private void recoverLostDecision(ConversationRecord c) {
        // Conversations this server created have their own request writing the decision right now;
        // only one from before this server started can have lost its decision in a crash.
        if (c.decisionId() == null || !c.createdAt().isBefore(startedAt) || decisions.forConversation(c.id()).stream().anyMatch(d -> d.id().equals(c.decisionId()))) {
            return;
        }
        decisions.appendIfAbsent(new DecisionRecord(c.decisionId(), DecisionKind.ROUTED, c.createdAt(), c.id(),
                c.rulesetVersion(), DecisionInputs.of(c), java.util.List.of(), c.plan(), java.util.List.of(), c.agentId(),
                c.status().wireName(), "recorded when the message was sent again: the server stopped before this "
                        + "decision was stored (the rules that fired were not kept)", 0));
        durability.awaitDurable();
    }

    private IntakeResult repeated(ConversationRecord existing) {
        recoverLostDecision(existing);
        int position = existing.status() == ConversationStatus.QUEUED ? dispatcher.positionOf(existing.id()) : 0;
        return new IntakeResult(existing, false, null, position);
    }

}
