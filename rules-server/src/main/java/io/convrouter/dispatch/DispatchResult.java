package io.convrouter.dispatch;

import java.util.List;

import io.convrouter.audit.Candidate;

/**
 * The outcome for a conversation just submitted: the agent it went to (or null when it waits),
 * whether that agent was offered it (and must accept) rather than assigned it, the candidates
 * weighed, and any other waiting conversations assigned in the same pass.
 */
public record DispatchResult(String agentId, List<Candidate> candidates, List<Assignment> others, boolean offered) {

    public DispatchResult(String agentId, List<Candidate> candidates, List<Assignment> others) {
        this(agentId, candidates, others, false);
    }
}
