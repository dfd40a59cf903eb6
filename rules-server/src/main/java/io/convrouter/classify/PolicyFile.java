package io.convrouter.classify;

import java.util.Locale;

/** One policy file of a ruleset: its path relative to the ruleset root and its bytes. */
public record PolicyFile(String path, byte[] content) {

    /** DRL and decision tables are rules; scenario tables are expectations about them. */
    public enum Kind { DRL, XLSX, XLS, CSV, SCENARIOS_CSV, SCENARIOS_XLSX, OTHER }

    public PolicyFile {
        path = path.replace('\\', '/');
        content = content.clone();
    }

    public Kind kind() {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".drl")) return Kind.DRL;
        if (p.endsWith(".drl.xlsx")) return Kind.XLSX;
        if (p.endsWith(".drl.xls")) return Kind.XLS;
        if (p.endsWith(".drl.csv")) return Kind.CSV;
        if (p.endsWith(".scenarios.csv")) return Kind.SCENARIOS_CSV;
        if (p.endsWith(".scenarios.xlsx")) return Kind.SCENARIOS_XLSX;
        return Kind.OTHER;
    }

    /** A file Drools compiles into rules. */
    public boolean isPolicy() {
        Kind k = kind();
        return k == Kind.DRL || k == Kind.XLSX || k == Kind.XLS || k == Kind.CSV;
    }

    /** A file that belongs to a ruleset version: rules or scenarios. */
    public boolean isRulesetFile() {
        return kind() != Kind.OTHER;
    }

    public boolean isWorkbook() {
        Kind k = kind();
        return k == Kind.XLSX || k == Kind.XLS || k == Kind.SCENARIOS_XLSX;
    }

    public boolean isDecisionTable() {
        Kind k = kind();
        return k == Kind.XLSX || k == Kind.XLS || k == Kind.CSV;
    }
}
