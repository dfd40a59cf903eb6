package io.convrouter.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import io.convrouter.classify.Classification;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.FiredRule;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.facts.SkillRequirement;

/** Runs scenarios against a compiled ruleset and reports each with expected and actual values. */
public final class ScenarioRunner {
    private final Classifier classifier;
    private final RoutingInput.Defaults defaults;

    public ScenarioRunner(Classifier classifier, RoutingInput.Defaults defaults) {
        this.classifier = classifier;
        this.defaults = defaults;
    }

    public List<ScenarioResult> run(Ruleset ruleset, Collection<Scenario> scenarios) {
        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            List<ScenarioResult.Mismatch> mismatches = new ArrayList<>();
            List<String> fired;
            try {
                Classification c = s.input().classify(classifier, ruleset, defaults);
                fired = c.rulesFired().stream().map(FiredRule::name).toList();
                Classification.Plan p = c.plan();
                for (Map.Entry<String, String> e : s.expected().entrySet()) {
                    String expected = e.getValue();
                    String actual = actual(e.getKey(), p, fired);
                    if (!matches(e.getKey(), expected, actual, fired)) {
                        mismatches.add(new ScenarioResult.Mismatch(e.getKey(), expected, actual));
                    }
                }
            } catch (RuntimeException ex) {
                fired = List.of();
                mismatches.add(new ScenarioResult.Mismatch("classification", "no error", ex.getMessage()));
            }
            results.add(new ScenarioResult(s.name(), s.file(), s.sheet(), s.row(), mismatches.isEmpty(), mismatches, fired));
        }
        return results;
    }

    private static String actual(String field, Classification.Plan p, List<String> fired) {
        return switch (field) {
            case Scenario.INTENT -> p.intent();
            case Scenario.QUEUE -> p.queue();
            case Scenario.PRIORITY -> String.valueOf(p.priority());
            case Scenario.SKILLS -> skills(p.requiredSkills());
            case Scenario.TEAM -> p.team();
            case Scenario.BOT_FIRST -> String.valueOf(p.botFirst());
            case Scenario.LANGUAGE -> p.language();
            case Scenario.SLA -> String.valueOf(p.slaSeconds());
            case Scenario.PREFERRED_AGENT -> p.preferredAgentId();
            case Scenario.RULES -> String.join(", ", fired);
            case Scenario.DROPPED -> String.valueOf(p.dropped());
            default -> null;
        };
    }

    private static boolean matches(String field, String expected, String actual, List<String> fired) {
        switch (field) {
            case Scenario.SKILLS:
                try {
                    Map<String, Integer> want = new TreeMap<>();
                    if (!expected.equals("-") && !expected.equalsIgnoreCase("none")) {
                        SkillRequirement.parseAll(expected).forEach(r -> want.put(r.skill(), r.minLevel()));
                    }
                    return skills(want).equals(actual);
                } catch (IllegalArgumentException e) {
                    return false;
                }
            case Scenario.BOT_FIRST:
            case Scenario.DROPPED:
                return Boolean.toString(truthy(expected)).equals(actual);
            case Scenario.RULES:
                Set<String> firedSet = new LinkedHashSet<>(fired);
                for (String name : expected.split("[,;]")) {
                    if (!name.isBlank() && !firedSet.contains(name.trim())) return false;
                }
                return true;
            case Scenario.TEAM:
            case Scenario.PREFERRED_AGENT:
                if (expected.equals("-") || expected.equalsIgnoreCase("none")) return actual == null;
                return expected.equals(actual);
            default:
                return Objects.equals(expected, actual);
        }
    }

    private static boolean truthy(String s) {
        return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("yes") || s.equals("1") || s.equals("是");
    }

    private static String skills(Map<String, Integer> skills) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(skills).forEach((k, v) -> {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(k).append(' ').append(v);
        });
        return sb.toString();
    }
}
