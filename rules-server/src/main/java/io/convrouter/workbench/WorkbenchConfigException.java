package io.convrouter.workbench;

import java.nio.file.Path;
import java.util.List;

/** The workbench-config directory has problems; each names its file and entry. */
public final class WorkbenchConfigException extends RuntimeException {
    private final List<String> problems;

    public WorkbenchConfigException(Path dir, List<String> problems) {
        super("workbench-config at " + dir.toAbsolutePath() + " has " + problems.size() + " problem(s):\n  - "
                + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
