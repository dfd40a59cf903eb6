package io.convrouter.intake;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

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
import io.convrouter.dispatch.QueueAvailability;
import io.convrouter.classify.FiredRule;
import io.convrouter.classify.facts.BotHandoff;
import io.convrouter.classify.facts.CustomerHistory;
import io.convrouter.conversation.CustomerHistoryStore;
import io.convrouter.errors.ConflictException;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.errors.NotFoundException;
import io.convrouter.events.RoutingEvent;
import io.convrouter.events.RoutingEvents;
import io.convrouter.workbench.QueueDispatch;
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
    private final QueueAvailability availability;
    private final RoutingEvents events;
    private final CustomerHistoryStore history;
    private final Supplier<String> ids;

    public IntakeService(Workbench workbench, ActiveRuleset rulesets, Classifier classifier,
                         ConversationStore conversations, Dispatcher dispatcher, DecisionLog decisions,
                         Durability durability, Clock clock) {
        this(workbench, rulesets, classifier, conversations, dispatcher, decisions, durability, clock,
                QueueAvailability.ALWAYS_OPEN, RoutingEvents.NONE, CustomerHistoryStore.NONE);
    }

    public IntakeService(Workbench workbench, ActiveRuleset rulesets, Classifier classifier,
                         ConversationStore conversations, Dispatcher dispatcher, DecisionLog decisions,
                         Durability durability, Clock clock, QueueAvailability availability, RoutingEvents events,
                         CustomerHistoryStore history) {
        this(workbench, rulesets, classifier, conversations, dispatcher, decisions, durability, clock, availability,
                events, history, Ids::newId);
    }

    /**
     * {@code ids}: where new conversation and decision ids come from. The simulator numbers them,
     * because waiting conversations with equal priority and age are ordered by id and a run must
     * repeat exactly from its seed.
     */
    public IntakeService(Workbench workbench, ActiveRuleset rulesets, Classifier classifier,
                         ConversationStore conversations, Dispatcher dispatcher, DecisionLog decisions,
                         Durability durability, Clock clock, QueueAvailability availability, RoutingEvents events,
                         CustomerHistoryStore history, Supplier<String> ids) {
        this.ids = ids;
        this.workbench = workbench;
        this.validator = new IntakeValidator(workbench);
        this.rulesets = rulesets;
        this.classifier = classifier;
        this.conversations = conversations;
        this.dispatcher = dispatcher;
        this.decisions = decisions;
        this.assignments = new AssignmentRecorder(decisions, events, clock);
        this.durability = durability;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.availability = availability;
        this.events = events;
        this.history = history;
    }

    public IntakeResult receive(IntakeRequest request) {
        return receive(request, true);
    }

    /**
     * Routes a batch: each item gets its own result or its own error, and the whole batch is made
     * durable once, before the caller hears back (a flood of comments costs one commit, not one
     * per comment).
     */
    public List<BatchItem> receiveBatch(List<IntakeRequest> requests) {
        List<BatchItem> results = new ArrayList<>(requests.size());
        try {
            for (IntakeRequest r : requests) {
                try {
                    results.add(new BatchItem(receive(r, false), null));
                } catch (InvalidInputException e) {
                    results.add(new BatchItem(null, e));
                }
            }
        } finally {
            durability.awaitDurable();
        }
        return results;
    }

    /** One item of a batch: its result, or why it was refused. */
    public record BatchItem(IntakeResult result, InvalidInputException error) {}

    private IntakeResult receive(IntakeRequest request, boolean commit) {
        validator.check(request);
        Optional<ConversationRecord> existing = conversations.findByExternalId(request.channel(), request.externalId());
        if (existing.isPresent()) {
            return repeated(existing.get());
        }
        Instant now = clock.instant();
        String conversationId = ids.get();
        String decisionId = ids.get();
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
                .withHistory(historyOf(customer.id(), now))
                .classify(classifier, ruleset, new RoutingInput.Defaults(defaults.defaultQueue(),
                        defaults.defaultPriority(), defaults.defaultSlaSeconds(), defaults.defaultLanguage()));
        Classification.Plan decided = classification.plan();
        ConversationRecord record = new ConversationRecord(conversationId, request.channel(), request.externalId(),
                request.text(), request.language(), customer, entry, request.fields(), decided, ruleset.version(),
                ConversationStatus.QUEUED, null, decisionId, now, null, null, null, null, selection.experimentId(),
                selection.variant());
        Parked parked = parking(record, now);
        if (parked != null) {
            record = parked.status() == ConversationStatus.DROPPED ? record.ended(ConversationStatus.DROPPED, now, null, null)
                    : record.with(parked.status(), null, null, record.progress());
        } else {
            record = record.withStrategy(workbench.dispatchOf(decided.queue()).strategy());
        }
        Optional<ConversationRecord> raced = conversations.insertIfAbsent(record);
        if (raced.isPresent()) {
            return repeated(raced.get());
        }
        long dispatchStart = System.nanoTime();
        DispatchResult dispatch = parked == null ? dispatcher.submit(record) : null;
        long dispatchNanos = System.nanoTime() - dispatchStart;
        ConversationRecord stored = record;
        String outcome;
        String reason;
        if (dispatch == null) {
            outcome = parked.status().wireName();
            reason = parked.reason();
        } else if (dispatch.agentId() != null && dispatch.offered()) {
            QueueDispatch d = workbench.dispatchOf(decided.queue());
            stored = record.offered(dispatch.agentId(), now, now.plusSeconds(d.offerTimeoutSeconds()));
            outcome = "offered";
            reason = "best eligible agent in queue " + decided.queue() + "; it must accept within "
                    + d.offerTimeoutSeconds() + " s";
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
        publish(stored, parked);
        if (customer.id() != null) {
            history.record(customer.id(), new CustomerHistory.Past(conversationId, now, decided.intent(), decided.queue(),
                    stored.agentId(), null, null));
        }
        if (dispatch != null) {
            assignments.record(dispatch.others(), "dispatched while routing conversation " + conversationId);
        }
        if (commit) {
            durability.awaitDurable();
        }
        return new IntakeResult(stored, true, classification.rulesFired(), positionOf(stored));
    }

    /** The customer's recent conversations as the rules see them: one lookup by customer id. */
    private CustomerHistory historyOf(String customerId, Instant now) {
        return customerId == null ? CustomerHistory.empty(now) : new CustomerHistory(history.recent(customerId), now);
    }

    /** Where a conversation goes instead of the agents' queue, and why. */
    private record Parked(ConversationStatus status, String reason) {}

    /**
     * Not every conversation joins the queue: the plan may send it to the bot, the queue may be
     * closed (business hours), or its estimated wait may be over the queue's limit.
     */
    private Parked parking(ConversationRecord c, Instant now) {
        if (c.plan().dropped()) {
            return new Parked(ConversationStatus.DROPPED, "the rules found nothing to answer (comment noise); recorded and dropped");
        }
        if (c.plan().botFirst()) {
            return new Parked(ConversationStatus.BOT, "the plan sends this conversation to the bot first");
        }
        Optional<QueueAvailability.Parking> closed = availability.check(c.plan().queue(), now);
        if (closed.isPresent()) {
            return new Parked(closed.get().status(), closed.get().reason());
        }
        QueueDispatch d = workbench.dispatchOf(c.plan().queue());
        if (d.maxWaitSeconds() > 0) {
            Long wait = dispatcher.estimateForNew(c);
            if (wait == null || wait > d.maxWaitSeconds()) {
                ConversationStatus to = "bot".equals(d.whenWaitOver()) ? ConversationStatus.BOT : ConversationStatus.CALLBACK;
                return new Parked(to, "estimated wait in queue " + c.plan().queue() + " is "
                        + (wait == null ? "unknown (no agent online can serve it)" : wait + " s")
                        + ", over its limit of " + d.maxWaitSeconds() + " s: sent to " + to.wireName());
            }
        }
        return null;
    }

    private void publish(ConversationRecord c, Parked parked) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queue", c.plan().queue());
        data.put("status", c.status().wireName());
        if (parked != null) {
            data.put("reason", parked.reason());
        }
        String type = switch (c.status()) {
            case OFFERED -> RoutingEvent.OFFERED;
            case ASSIGNED -> RoutingEvent.ACCEPTED;
            default -> RoutingEvent.QUEUED;
        };
        events.publish(new RoutingEvent(type, c.id(), c.agentId(), clock.instant(), data));
    }

    private int positionOf(ConversationRecord c) {
        return c.status() == ConversationStatus.QUEUED ? dispatcher.positionOf(c.id()) : 0;
    }

    /**
     * The bot hands a conversation to a human: classify it again with what the bot learned
     * (available to the rules as a BotHandoff fact) and route it, waiting from now.
     */
    public IntakeResult handoff(String id, String intent, Double confidence, String reason, String summary) {
        if (confidence != null && (confidence < 0 || confidence > 1)) {
            throw InvalidInputException.of("confidence", "must be between 0 and 1, was " + confidence);
        }
        ConversationRecord current = conversations.find(id).orElseThrow(() -> new NotFoundException("conversation", id));
        if (!current.status().isParked()) {
            throw new ConflictException("conversation " + id + " is " + current.status().wireName()
                    + "; only a conversation with the bot, a message or a call back can be handed to an agent");
        }
        Instant now = clock.instant();
        ActiveRuleset.Selection selection = rulesets.select(current.customer() != null && current.customer().id() != null
                ? current.customer().id() : current.channel() + ":" + current.externalId());
        Ruleset ruleset = selection.ruleset();
        Workbench.RoutingDefaults defaults = workbench.routing();
        ConversationRecord.CustomerInfo cu = current.customer();
        ConversationRecord.EntryInfo en = current.entry() == null ? new ConversationRecord.EntryInfo(null, null, null)
                : current.entry();
        Classification classification = new RoutingInput(id, current.channel(), current.text(), current.language(),
                cu == null ? null : cu.id(), cu == null ? defaults.defaultTier() : cu.tier(), cu != null && cu.returning(),
                cu == null ? null : cu.lastAgentId(), cu == null ? 0 : cu.orderCount(), cu == null ? null : cu.tags(),
                en.campaign(), en.landingPage(), en.businessLine(), current.fields())
                .withHandoff(new BotHandoff(intent, confidence == null ? 0 : confidence, reason, summary))
                .withHistory(historyOf(cu == null ? null : cu.id(), now))
                .classify(classifier, ruleset, new RoutingInput.Defaults(defaults.defaultQueue(),
                        defaults.defaultPriority(), defaults.defaultSlaSeconds(), defaults.defaultLanguage()));
        if (classification.plan().botFirst()) {
            throw new ConflictException("the rules keep conversation " + id + " with the bot ("
                    + classification.rulesFired().stream().filter(r -> "guard".equals(r.stage())).map(FiredRule::name)
                    .toList() + "); it cannot be handed to an agent");
        }
        String strategy = workbench.dispatchOf(classification.plan().queue()).strategy();
        ConversationRecord handed = conversations.markHandedOff(id, current.status(), classification.plan(),
                ruleset.version(), now, strategy).orElseThrow(() -> new ConflictException("conversation " + id
                + " changed while it was being handed off; try again"));
        long start = System.nanoTime();
        DispatchResult dispatch = dispatcher.submit(handed);
        ConversationRecord stored = dispatch.agentId() == null ? handed : dispatch.offered()
                ? handed.offered(dispatch.agentId(), now, now.plusSeconds(workbench.dispatchOf(handed.plan().queue()).offerTimeoutSeconds()))
                : handed.assigned(dispatch.agentId(), now);
        String why = "bot handed off" + (reason == null ? "" : " (" + reason + ")") + (intent == null ? ""
                : "; bot intent " + intent + " at confidence " + confidence) + "; " + (dispatch.agentId() == null
                ? "waiting in queue " + handed.plan().queue() : (dispatch.offered() ? "offered to " : "assigned to ")
                + dispatch.agentId());
        Map<String, Object> input = new LinkedHashMap<>(DecisionInputs.of(handed));
        Map<String, Object> bot = new LinkedHashMap<>();
        bot.put("intent", intent);
        bot.put("confidence", confidence);
        bot.put("reason", reason);
        bot.put("summary", summary);
        input.put("handoff", bot);
        decisions.append(new DecisionRecord(Ids.newId(), DecisionKind.HANDED_OFF, now, id, ruleset.version(), input,
                classification.rulesFired(), handed.plan(), dispatch.candidates(), dispatch.agentId(),
                stored.status().wireName(), why, (classification.nanos() + System.nanoTime() - start) / 1000));
        events.publish(new RoutingEvent(RoutingEvent.HANDED_OFF, id, dispatch.agentId(), now,
                Map.of("queue", handed.plan().queue(), "status", stored.status().wireName())));
        durability.awaitDurable();
        return new IntakeResult(stored, false, classification.rulesFired(), positionOf(stored));
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
        return new IntakeResult(existing, false, null, positionOf(existing));
    }

}
