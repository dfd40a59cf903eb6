package io.convrouter.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import io.convrouter.classify.RuleSource;
import io.convrouter.classify.Ruleset;

/**
 * What changed between two versions, rule by rule: added, removed, and changed (the same rule
 * name with different conditions or actions), each with where it lives.
 */
public record RulesetDiff(String from, String to, List<Change> added, List<Change> removed, List<Change> changed,
                          int unchanged) {

    public record Change(String rule, String packageName, String file, String sheet, Integer row, Integer line,
                         String before, String after) {}

    public static RulesetDiff between(Ruleset a, Ruleset b) {
        Map<String, String> ta = a.ruleTexts();
        Map<String, String> tb = b.ruleTexts();
        List<Change> added = new ArrayList<>();
        List<Change> removed = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        int unchanged = 0;
        TreeSet<String> keys = new TreeSet<>(a.rules().keySet());
        keys.addAll(b.rules().keySet());
        for (String key : keys) {
            boolean inA = a.rules().containsKey(key);
            boolean inB = b.rules().containsKey(key);
            if (inA && !inB) {
                removed.add(change(key, a.rules().get(key), ta.get(key), null));
            } else if (!inA) {
                added.add(change(key, b.rules().get(key), null, tb.get(key)));
            } else if (!Objects.equals(normalize(ta.get(key)), normalize(tb.get(key)))) {
                changed.add(change(key, b.rules().get(key), ta.get(key), tb.get(key)));
            } else {
                unchanged++;
            }
        }
        return new RulesetDiff(a.version(), b.version(), added, removed, changed, unchanged);
    }

    /** Salience comes from the row position in sequential tables; moving a row is not a change to it. */
    private static String normalize(String text) {
        return text == null ? null : text.replaceAll("(?m)^salience\\s+-?\\d+\\s*$", "");
    }

    private static Change change(String key, RuleSource where, String before, String after) {
        int slash = key.indexOf('/');
        String pkg = key.substring(0, slash);
        String name = key.substring(slash + 1);
        return new Change(name, pkg, where == null ? null : where.file(), where == null ? null : where.sheet(),
                where == null ? null : where.row(), where == null ? null : where.line(), before, after);
    }
}
