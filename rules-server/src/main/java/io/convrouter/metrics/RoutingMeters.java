package io.convrouter.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.convrouter.dispatch.QueueSnapshot;
import io.convrouter.rebalance.RebalanceService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Live state as gauges, and the rebalancer's runs:
 * <ul>
 *   <li>{@code routing.queue.waiting{queue}}, {@code routing.queue.longest.wait{queue}} (seconds),
 *   {@code routing.queue.estimated.wait{queue}} (seconds; NaN while nobody online can serve it),
 *   {@code routing.queue.service.level{queue}} (share answered in target over 15 minutes);</li>
 *   <li>{@code routing.solver.runs{result}} (ran, skipped), {@code routing.solver.duration} (time solving),
 *   {@code routing.solver.moves} (conversations moved), {@code routing.solver.score{level}} (the last run's
 *   hard, medium and soft score).</li>
 * </ul>
 * Each gauge reads its queue when scraped (a short hold of the dispatcher's lock), so it is never stale.
 */
public final class RoutingMeters implements MeterBinder {
    private final List<String> queues;
    private final java.util.function.Function<String, QueueSnapshot> snapshots;
    private final RebalanceService rebalance;
    private final Map<String, Double> lastScore = new java.util.concurrent.ConcurrentHashMap<>(Map.of("hard", 0.0, "medium", 0.0, "soft", 0.0));

    /** {@code snapshots}: a queue's snapshot by its id. */
    public RoutingMeters(List<String> queues, java.util.function.Function<String, QueueSnapshot> snapshots,
                         RebalanceService rebalance) {
        this.queues = List.copyOf(queues);
        this.snapshots = snapshots;
        this.rebalance = rebalance;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String q : queues) {
            gauge(registry, "routing.queue.waiting", q, "conversations waiting", null, s -> s.waiting());
            gauge(registry, "routing.queue.longest.wait", q, "how long the oldest waiting conversation has waited",
                    "seconds", s -> s.longestWaitSeconds());
            gauge(registry, "routing.queue.estimated.wait", q, "estimated wait for a new conversation (NaN: unknown)",
                    "seconds", s -> s.estimatedWaitSeconds() == null ? Double.NaN : s.estimatedWaitSeconds());
            gauge(registry, "routing.queue.service.level", q, "share answered within target over the last 15 minutes",
                    null, QueueSnapshot::serviceLevel);
        }
        Counter ran = Counter.builder("routing.solver.runs").tag("result", "ran")
                .description("rebalancer runs").register(registry);
        Counter skipped = Counter.builder("routing.solver.runs").tag("result", "skipped")
                .description("rebalancer runs").register(registry);
        Timer solving = Timer.builder("routing.solver.duration").description("time the solver spent on a run")
                .register(registry);
        Counter moves = Counter.builder("routing.solver.moves").description("conversations the rebalancer moved")
                .register(registry);
        for (String level : List.of("hard", "medium", "soft")) {
            Gauge.builder("routing.solver.score", lastScore, m -> m.getOrDefault(level, 0.0)).tag("level", level)
                    .description("the last rebalance's score (0 is best; hard below 0 breaks a rule)").register(registry);
        }
        rebalance.onRun(report -> {
            // A run with nothing to move (or another instance holding the lease) starts no solver.
            (report.solved() ? ran : skipped).increment();
            if (report.solved()) {
                solving.record(java.time.Duration.ofMillis(report.solveMillis()));
                lastScore.putAll(parseScore(report.score()));
            }
            moves.increment(report.moves());
        });
    }

    /** "-1hard/-20medium/-7soft" (OptaPlanner's HardMediumSoftLongScore) to its three levels. */
    static Map<String, Double> parseScore(String score) {
        Map<String, Double> levels = new LinkedHashMap<>();
        for (String part : score.split("/")) {
            for (String level : List.of("hard", "medium", "soft")) {
                if (part.endsWith(level)) {
                    try {
                        levels.put(level, Double.parseDouble(part.substring(0, part.length() - level.length())));
                    } catch (NumberFormatException ignored) {
                        // an init score prefix or a format we do not know: leave the level as it was
                    }
                }
            }
        }
        return levels;
    }

    private void gauge(MeterRegistry registry, String name, String queue, String description, String unit,
                       ToDoubleFunction<QueueSnapshot> value) {
        Gauge.Builder<RoutingMeters> b = Gauge.builder(name, this, m -> {
            QueueSnapshot s = m.snapshot(queue);
            return s == null ? Double.NaN : value.applyAsDouble(s);
        }).tag("queue", queue).description(description);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    private QueueSnapshot snapshot(String queue) {
        return snapshots.apply(queue);
    }
}
