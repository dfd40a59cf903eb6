package io.convrouter.metrics;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.FiredRule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The decision log, counted: every decision the server writes passes here, so the meters see
 * exactly what the log holds without the routing core knowing about metrics.
 *
 * <ul>
 *   <li>{@code routing.decisions{kind,outcome}}: decisions written (their rate is decisions per second);</li>
 *   <li>{@code routing.decision.duration{kind}}: how long routing decisions took to make, as a histogram;</li>
 *   <li>{@code routing.rule.hits{rule,source}}: how often each rule fired;</li>
 *   <li>{@code routing.offers.timed.out}: offers the agent let time out.</li>
 * </ul>
 */
public final class MeteredDecisionLog implements DecisionLog {
    /** Decisions about where a conversation goes (not closes, abandons or accepts, which decide nothing). */
    static final Set<DecisionKind> ROUTING_KINDS = EnumSet.of(DecisionKind.ROUTED, DecisionKind.ASSIGNED,
            DecisionKind.OFFERED, DecisionKind.REJECTED, DecisionKind.TIMED_OUT, DecisionKind.RECLAIMED,
            DecisionKind.RELAXED, DecisionKind.HANDED_OFF, DecisionKind.REBALANCED);

    private final DecisionLog log;
    private final MeterRegistry registry;
    private final Counter offersTimedOut;

    public MeteredDecisionLog(DecisionLog log, MeterRegistry registry) {
        this.log = log;
        this.registry = registry;
        this.offersTimedOut = Counter.builder("routing.offers.timed.out")
                .description("offers an agent let time out (the conversation was routed again)").register(registry);
        // Register the histogram of the kind that matters most at start, so dashboards see it before traffic.
        duration(DecisionKind.ROUTED);
    }

    public DecisionLog delegate() {
        return log;
    }

    @Override
    public void append(DecisionRecord decision) {
        log.append(decision);
        count(decision);
    }

    /** Not counted: it re-writes a decision recovered after a crash, which was (or should have been) counted when made. */
    @Override
    public void appendIfAbsent(DecisionRecord decision) {
        log.appendIfAbsent(decision);
    }

    @Override
    public List<DecisionRecord> forConversation(String conversationId) {
        return log.forConversation(conversationId);
    }

    @Override
    public List<DecisionRecord> find(DecisionQuery query) {
        return log.find(query);
    }

    @Override
    public long count(DecisionQuery query) {
        return log.count(query);
    }

    @Override
    public void forEach(DecisionQuery query, Consumer<DecisionRecord> action) {
        log.forEach(query, action);
    }

    private void count(DecisionRecord d) {
        String kind = d.kind().wireName();
        Counter.builder("routing.decisions").description("decisions written to the decision log")
                .tag("kind", kind).tag("outcome", d.outcome() == null ? "none" : d.outcome())
                .register(registry).increment();
        if (ROUTING_KINDS.contains(d.kind())) {
            duration(d.kind()).record(Duration.ofNanos(Math.max(0, d.durationMicros()) * 1000));
        }
        for (FiredRule r : d.rulesFired()) {
            Counter.builder("routing.rule.hits").description("times a rule fired in a decision")
                    .tag("rule", r.name()).tag("source", r.source() == null ? "" : r.source())
                    .register(registry).increment();
        }
        if (d.kind() == DecisionKind.TIMED_OUT) {
            offersTimedOut.increment();
        }
    }

    private Timer duration(DecisionKind kind) {
        return Timer.builder("routing.decision.duration")
                .description("time to make a routing decision (classify and pick an agent, or re-route)")
                .tag("kind", kind.wireName())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
    }
}
