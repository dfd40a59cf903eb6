package io.convrouter.classify.facts;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A skill with a minimum level, as written in a decision-table cell ("refund 3" or "refund:3"). */
public record SkillRequirement(String skill, int minLevel) {
    private static final Pattern ONE = Pattern.compile("\\s*([A-Za-z][\\w-]*)\\s*(?:[:\\s]\\s*(\\d+))?\\s*");

    /** Cells repeat for every conversation; parse each distinct one once (bounded, like the keyword cache). */
    private static final java.util.Map<String, List<SkillRequirement>> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    public static List<SkillRequirement> parseAll(String spec) {
        if (spec == null) {
            return List.of();
        }
        List<SkillRequirement> cached = PARSED.get(spec);
        if (cached != null) {
            return cached;
        }
        List<SkillRequirement> parsed = List.copyOf(parse(spec));
        if (PARSED.size() > 5_000) {
            PARSED.clear();
        }
        PARSED.put(spec, parsed);
        return parsed;
    }

    private static List<SkillRequirement> parse(String spec) {
        List<SkillRequirement> result = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return result;
        }
        for (String part : spec.split("[,;，]")) {
            if (part.isBlank()) {
                continue;
            }
            Matcher m = ONE.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part.trim()
                        + "' is not a skill requirement; write a skill and a level, such as 'refund 3'");
            }
            int level = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            if (level < 1) {
                throw new IllegalArgumentException("'" + part.trim() + "': the level must be 1 or more");
            }
            result.add(new SkillRequirement(m.group(1), level));
        }
        return result;
    }
}
