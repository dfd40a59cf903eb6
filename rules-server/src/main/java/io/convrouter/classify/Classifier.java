package io.convrouter.classify;

import java.util.ArrayList;
import java.util.List;

import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

import io.convrouter.classify.facts.RoutingPlan;

/**
 * Runs a ruleset over one conversation's facts, stage by stage, and records every rule that
 * fired with where it lives. Thread-safe: each call has its own session.
 */
public final class Classifier {

    /** A stage that fires more rules than this is looping (a rule re-triggering itself). */
    static final int MAX_FIRINGS_PER_STAGE = 10_000;

    private static final Stage[] STAGES = Stage.values();

    public Classification classify(Ruleset ruleset, RoutingPlan plan, Object... facts) {
        long start = System.nanoTime();
        List<FiredRule> fired = new ArrayList<>();
        KieSession session = ruleset.kieBase().newKieSession();
        try {
            session.addEventListener(new DefaultAgendaEventListener() {
                @Override
                public void afterMatchFired(AfterMatchFiredEvent event) {
                    fired.add(ruleset.fired(event.getMatch().getRule()));
                }
            });
            if (ruleset.declaresPlanGlobal()) {
                session.setGlobal(RulesetCompiler.PLAN_GLOBAL, plan);
            }
            for (Object fact : facts) {
                if (fact != null) {
                    session.insert(fact);
                }
            }
            FactHandle planHandle = session.insert(plan);
            for (Stage stage : STAGES) {
                session.getAgenda().getAgendaGroup(stage.group()).setFocus();
                int count = session.fireAllRules(MAX_FIRINGS_PER_STAGE);
                if (count >= MAX_FIRINGS_PER_STAGE) {
                    throw new RuleLoopException(stage, fired.subList(Math.max(0, fired.size() - 5), fired.size()));
                }
                if (count > 0 && stage != STAGES[STAGES.length - 1]) {
                    // Let the next stage's conditions see what this stage wrote to the plan.
                    session.update(planHandle, plan);
                }
            }
        } finally {
            session.dispose();
        }
        return new Classification(Classification.Plan.of(plan), List.copyOf(fired), ruleset.version(),
                System.nanoTime() - start);
    }

    /** Rules kept re-triggering each other; the ruleset needs fixing. */
    public static final class RuleLoopException extends RuntimeException {
        RuleLoopException(Stage stage, List<FiredRule> lastFired) {
            super("stage '" + stage.group() + "' fired more than " + MAX_FIRINGS_PER_STAGE
                    + " rules: a rule probably re-triggers itself; last fired: " + lastFired);
        }
    }
}
