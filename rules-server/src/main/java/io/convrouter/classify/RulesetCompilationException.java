package io.convrouter.classify;

import java.util.List;
import java.util.stream.Collectors;

/** A ruleset did not compile; every problem found is listed with its location. */
public final class RulesetCompilationException extends RuntimeException {
    private final List<PolicyProblem> problems;

    public RulesetCompilationException(List<PolicyProblem> problems) {
        super("the ruleset has " + problems.size() + " problem(s):\n  - "
                + problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n  - ")));
        this.problems = List.copyOf(problems);
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
