package io.convrouter.intake;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.LifecycleService;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.WaitEstimate;
import io.convrouter.errors.ConflictException;

/** Conversations over REST: intake, reading, closing, abandoning, and the decision trail. */
@RestController
@RequestMapping("/api/v1/conversations")
public class ConversationController {
    private final IntakeService intake;
    private final LifecycleService lifecycle;
    private final DecisionLog decisions;
    private final Dispatcher dispatcher;

    public ConversationController(IntakeService intake, LifecycleService lifecycle, DecisionLog decisions,
                                  Dispatcher dispatcher) {
        this.intake = intake;
        this.lifecycle = lifecycle;
        this.decisions = decisions;
        this.dispatcher = dispatcher;
    }

    /** 201 with the routing result for a new conversation; 200 with the same conversation for a repeat. */
    @PostMapping
    public ResponseEntity<ConversationView> create(@RequestBody ConversationBody body) {
        IntakeResult result = intake.receive(body.toRequest());
        ConversationView view = ConversationView.of(result.conversation(), result.rulesFired(), result.queuePosition(),
                dispatcher.estimate(result.conversation().id()).orElse(null));
        return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(java.net.URI.create("/api/v1/conversations/" + view.id())).body(view);
    }

    @GetMapping("/{id}")
    public ConversationView get(@PathVariable String id) {
        return view(lifecycle.get(id));
    }

    public record CloseBody(String outcome, Integer satisfaction) {}

    @PostMapping("/{id}/close")
    public ConversationView close(@PathVariable String id, @RequestBody(required = false) CloseBody body) {
        return view(lifecycle.close(id, body == null ? null : body.outcome(), body == null ? null : body.satisfaction()));
    }

    @PostMapping("/{id}/abandon")
    public ConversationView abandon(@PathVariable String id) {
        return view(lifecycle.abandon(id));
    }

    /** What an agent (or the integration on its behalf) says about an offered or assigned conversation. */
    public record AgentActionBody(String agentId) {}

    @PostMapping("/{id}/accept")
    public ConversationView accept(@PathVariable String id, @RequestBody(required = false) AgentActionBody body) {
        return view(lifecycle.accept(id, body == null ? null : body.agentId()));
    }

    @PostMapping("/{id}/reject")
    public ConversationView reject(@PathVariable String id, @RequestBody(required = false) AgentActionBody body) {
        return view(lifecycle.reject(id, body == null ? null : body.agentId()));
    }

    @PostMapping("/{id}/first-reply")
    public ConversationView firstReply(@PathVariable String id, @RequestBody(required = false) AgentActionBody body) {
        return view(lifecycle.firstReply(id, body == null ? null : body.agentId()));
    }

    /** What the bot learned: its intent, how sure it was (0-1), why it hands off, and a summary for the agent. */
    public record HandoffBody(String intent, Double confidence, String reason, String summary) {}

    @PostMapping("/{id}/handoff")
    public ConversationView handoff(@PathVariable String id, @RequestBody(required = false) HandoffBody body) {
        HandoffBody b = body == null ? new HandoffBody(null, null, null, null) : body;
        IntakeResult r = intake.handoff(id, b.intent(), b.confidence(), b.reason(), b.summary());
        return ConversationView.of(r.conversation(), r.rulesFired(), r.queuePosition(), dispatcher.estimate(id).orElse(null));
    }

    /** Place in its queue and estimated wait, for a waiting conversation. */
    @GetMapping("/{id}/position")
    public WaitEstimate position(@PathVariable String id) {
        ConversationRecord c = lifecycle.get(id);
        return dispatcher.estimate(id).orElseThrow(() -> new ConflictException("conversation " + id + " is "
                + c.status().wireName() + ", not waiting in a queue"));
    }

    @GetMapping("/{id}/decisions")
    public List<DecisionRecord> decisions(@PathVariable String id) {
        lifecycle.get(id);
        return decisions.forConversation(id);
    }

    private ConversationView view(ConversationRecord c) {
        int position = c.status() == ConversationStatus.QUEUED ? dispatcher.positionOf(c.id()) : 0;
        return ConversationView.of(c, null, position, c.status() == ConversationStatus.QUEUED
                ? dispatcher.estimate(c.id()).orElse(null) : null);
    }

}
