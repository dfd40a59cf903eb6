package io.convrouter.sim;

import java.util.List;

/** A scenario that cannot run: every problem found, each naming the file and the field. */
public final class ScenarioException extends RuntimeException {
    private final String file;
    private final List<String> problems;

    public ScenarioException(String file, List<String> problems) {
        super(format(file, problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public String file() {
        return file;
    }

    /** Each problem as "field: what is wrong". */
    public List<String> problems() {
        return problems;
    }

    private static String format(String file, List<String> problems) {
        StringBuilder sb = new StringBuilder(file).append(": ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
