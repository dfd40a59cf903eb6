package io.convrouter.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.classify.ActiveRuleset;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;
import io.convrouter.errors.NotFoundException;

/**
 * Per-variant results of an A/B experiment, from the conversations it routed and the decision
 * log: wait, abandonment, re-routes, resolution, conversion and satisfaction.
 */
public final class ExperimentReports {
    private final PolicyStore store;
    private final Function<String, List<ConversationRecord>> conversationsInExperiment;
    private final DecisionLog decisions;
    private final Clock clock;

    public ExperimentReports(PolicyStore store, Function<String, List<ConversationRecord>> conversationsInExperiment,
                             DecisionLog decisions, Clock clock) {
        this.store = store;
        this.conversationsInExperiment = conversationsInExperiment;
        this.decisions = decisions;
        this.clock = clock;
    }

    public record Kpis(long conversations, long assigned, Double averageWaitSeconds, long abandoned,
                       double abandonmentRate, long reRouted, long closed, Double resolutionRate, Double conversionRate,
                       Double averageSatisfaction, long satisfactionResponses, long toBot) {}

    public record Report(PolicyState.Experiment experiment, Instant endedAt, boolean running,
                         Map<String, Kpis> variants) {}

    public List<PolicyStore.ExperimentRecord> list() {
        return store.experiments();
    }

    public Report report(String id) {
        PolicyStore.ExperimentRecord record = store.experiment(id).orElseThrow(() -> new NotFoundException("experiment", id));
        List<ConversationRecord> conversations = conversationsInExperiment.apply(id);
        Map<String, String> variantOf = new HashMap<>();
        conversations.forEach(c -> variantOf.put(c.id(), c.variant()));
        // Assignments per conversation over the experiment's time: more than one means it was re-routed.
        Map<String, Integer> assignments = new HashMap<>();
        Instant end = record.endedAt() != null ? record.endedAt().plus(Duration.ofDays(1)) : clock.instant().plusSeconds(1);
        decisions.forEach(new DecisionQuery(record.experiment().startedAt(), end, null, null, null, null, 0, 1), d -> {
            if (variantOf.containsKey(d.conversationId()) && d.chosenAgentId() != null
                    && (d.kind() == DecisionKind.ROUTED || d.kind() == DecisionKind.ASSIGNED)) {
                assignments.merge(d.conversationId(), 1, Integer::sum);
            }
        });
        Map<String, Kpis> variants = new LinkedHashMap<>();
        for (String variant : List.of(ActiveRuleset.Selection.CONTROL, ActiveRuleset.Selection.VARIANT)) {
            variants.put(variant, kpis(conversations.stream().filter(c -> variant.equals(c.variant())).toList(), assignments));
        }
        return new Report(record.experiment(), record.endedAt(), record.endedAt() == null, variants);
    }

    static Kpis kpis(List<ConversationRecord> list, Map<String, Integer> assignments) {
        long assigned = 0;
        long waitMillis = 0;
        long abandoned = 0;
        long closed = 0;
        long resolved = 0;
        long converted = 0;
        long csatSum = 0;
        long csatCount = 0;
        long bot = 0;
        long reRouted = 0;
        for (ConversationRecord c : list) {
            if (c.assignedAt() != null) {
                assigned++;
                waitMillis += Duration.between(c.createdAt(), c.assignedAt()).toMillis();
            }
            if (c.status() == ConversationStatus.ABANDONED) abandoned++;
            if (c.status() == ConversationStatus.CLOSED) {
                closed++;
                if (c.outcome() == Outcome.RESOLVED || c.outcome() == Outcome.CONVERTED) resolved++;
                if (c.outcome() == Outcome.CONVERTED) converted++;
            }
            if (c.satisfaction() != null) {
                csatSum += c.satisfaction();
                csatCount++;
            }
            if (c.plan() != null && c.plan().botFirst()) bot++;
            if (assignments.getOrDefault(c.id(), 0) > 1) reRouted++;
        }
        int n = list.size();
        return new Kpis(n, assigned, assigned == 0 ? null : round(waitMillis / 1000.0 / assigned), abandoned,
                n == 0 ? 0 : round((double) abandoned / n), reRouted, closed,
                closed == 0 ? null : round((double) resolved / closed), closed == 0 ? null : round((double) converted / closed),
                csatCount == 0 ? null : round((double) csatSum / csatCount), csatCount, bot);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
