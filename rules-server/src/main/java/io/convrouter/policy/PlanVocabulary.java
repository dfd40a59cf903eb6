package io.convrouter.policy;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.convrouter.classify.facts.SkillRequirement;
import io.convrouter.workbench.Workbench;

/**
 * What a value written for a routing-plan action must be, checked against the workbench:
 * queues, teams and skills must exist there, priorities are 0-100, and so on. Messages are
 * written for the ops person who typed the value.
 */
final class PlanVocabulary {
    private static final Pattern INTENT = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern LANGUAGE = Pattern.compile("[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*");

    private final Workbench workbench;

    PlanVocabulary(Workbench workbench) {
        this.workbench = workbench;
    }

    /**
     * The problem with {@code value} as argument {@code argIndex} of {@code plan.method(...)}, or
     * empty when it is fine or the method is not one this knows.
     */
    Optional<String> check(String method, int argIndex, String value) {
        String v = value.trim();
        return switch (method) {
            case "setQueue" -> workbench.queues().containsKey(v) ? Optional.empty()
                    : Optional.of("'" + v + "' is not a queue; queues in workbench-config/queues.yaml: " + sorted(workbench.queues().keySet()));
            case "setTeam" -> v.isEmpty() || v.equals("null") || workbench.teams().containsKey(v) ? Optional.empty()
                    : Optional.of("'" + v + "' is not a team; teams in workbench-config/teams.yaml: " + sorted(workbench.teams().keySet()));
            case "requireSkills" -> checkSkills(v);
            case "requireSkill", "dropSkill" -> argIndex == 0 ? checkSkillName(v) : checkLevel(v);
            case "raisePriority", "setPriority" -> checkNumber(v, 0, 100, "a priority; use a number 0-100");
            case "setSlaSeconds", "tightenSla" -> checkNumber(v, 1, 86_400, "an SLA target; use a number of seconds, 1-86400");
            case "setIntent" -> INTENT.matcher(v).matches() ? Optional.empty()
                    : Optional.of("'" + v + "' is not an intent name; use lower-case letters, digits and _ (such as refund or payment_failed)");
            case "setBotFirst" -> v.equals("true") || v.equals("false") ? Optional.empty()
                    : Optional.of("'" + v + "' is not true or false");
            case "setLanguage" -> LANGUAGE.matcher(v).matches() ? Optional.empty()
                    : Optional.of("'" + v + "' is not a language tag such as zh or en");
            default -> Optional.empty();
        };
    }

    Optional<String> checkSkills(String spec) {
        try {
            for (SkillRequirement r : SkillRequirement.parseAll(spec)) {
                Optional<String> p = checkSkillName(r.skill());
                if (p.isPresent()) {
                    return p;
                }
                Workbench.Skill skill = workbench.skills().get(r.skill());
                if (r.minLevel() > skill.maxLevel()) {
                    return Optional.of("skill " + r.skill() + " level " + r.minLevel() + " is above its maximum, " + skill.maxLevel());
                }
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private Optional<String> checkSkillName(String v) {
        return workbench.skills().containsKey(v) ? Optional.empty()
                : Optional.of("'" + v + "' is not a skill; skills in workbench-config/skills.yaml: " + sorted(workbench.skills().keySet()));
    }

    private static Optional<String> checkLevel(String v) {
        return checkNumber(v, 1, 100, "a skill level; use a whole number from 1");
    }

    private static Optional<String> checkNumber(String v, int min, int max, String what) {
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                return Optional.of(n + " is out of range for " + what);
            }
            return Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of("'" + v + "' is not " + what);
        }
    }

    /** What a value compared with a fact field must be, for the fields the workbench defines. */
    Optional<String> checkFieldValue(String factType, String field, String value) {
        String v = value.trim();
        if (factType.equals("Customer") && field.equals("tier") && !workbench.hasTier(v)) {
            return Optional.of("'" + v + "' is not a customer tier; tiers in workbench-config/routing.yaml: " + workbench.routing().tiers());
        }
        if (factType.equals("Conversation") && field.equals("channel") && !workbench.hasChannel(v)) {
            return Optional.of("'" + v + "' is not a channel; channels in workbench-config/channels.yaml: " + sorted(workbench.channelIds()));
        }
        if (factType.equals("RoutingPlan") && field.equals("queue") && !workbench.queues().containsKey(v)) {
            return Optional.of("'" + v + "' is not a queue; queues in workbench-config/queues.yaml: " + sorted(workbench.queues().keySet()));
        }
        return Optional.empty();
    }

    private static List<String> sorted(java.util.Collection<String> c) {
        return c.stream().sorted().toList();
    }
}
