package io.convrouter.classify;

/** A rule that fired while classifying a conversation, and where it lives. */
public record FiredRule(String name, String stage, String source, String sheet, Integer row, Integer line) {

    static FiredRule of(String name, String stage, RuleSource where) {
        if (where == null) {
            return new FiredRule(name, stage, null, null, null, null);
        }
        return new FiredRule(name, stage, where.file(), where.sheet(), where.row(), where.line());
    }
}
