package io.convrouter.classify;

import java.util.Locale;

/** One policy file of a ruleset: its path relative to the ruleset root and its bytes. */
public record PolicyFile(String path, byte[] content) {

    public enum Kind { DRL, XLSX, XLS, CSV, OTHER }

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
        return Kind.OTHER;
    }

    public boolean isPolicy() {
        return kind() != Kind.OTHER;
    }

    public boolean isDecisionTable() {
        Kind k = kind();
        return k == Kind.XLSX || k == Kind.XLS || k == Kind.CSV;
    }
}
