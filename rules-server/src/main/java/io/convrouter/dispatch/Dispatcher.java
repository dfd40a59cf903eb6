package io.convrouter.dispatch;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentStore;
import io.convrouter.agents.Presence;
import io.convrouter.audit.Candidate;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStore;

/**
 * Matches waiting conversations with agents in real time.
 *
 * <p>Within this server every match runs under one lock, so the queue order holds exactly:
 * whenever capacity appears, the highest-priority, oldest conversation that the agent can serve
 * gets it. Across servers sharing a database the claims themselves are atomic in the store (an
 * agent reservation is a conditional update), so no agent goes over capacity and no conversation
 * is assigned twice; a refused reservation refreshes that agent and tries the next candidate.
 */
public final class Dispatcher {

    /** Decision records keep at most this many candidates, eligible ones first. */
    public static final int MAX_CANDIDATES_RECORDED = 50;

    private final AgentStore agentStore;
    private final ConversationStore conversations;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Agent> agents = new HashMap<>();
    private final WaitingQueue waiting = new WaitingQueue();

    public Dispatcher(AgentStore agentStore, ConversationStore conversations, Clock clock) {
        this.agentStore = agentStore;
        this.conversations = conversations;
        this.clock = clock;
    }

    /** Replaces the in-memory view with the stored agents and waiting conversations, then matches. */
    public List<Assignment> reload(Collection<Agent> storedAgents, Collection<ConversationRecord> queued) {
        lock.lock();
        try {
            agents.clear();
            storedAgents.forEach(a -> agents.put(a.id(), a));
            waiting.clear();
            queued.forEach(waiting::add);
            return matchAll(null).assignments();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a new conversation and assigns it at once if an agent can take it. */
    public DispatchResult submit(ConversationRecord conversation) {
        lock.lock();
        try {
            waiting.add(conversation);
            MatchPass pass = matchAll(conversation.id());
            List<Assignment> others = new ArrayList<>();
            Assignment mine = null;
            for (Assignment a : pass.assignments()) {
                if (a.conversation().id().equals(conversation.id())) {
                    mine = a;
                } else {
                    others.add(a);
                }
            }
            if (mine != null) {
                return new DispatchResult(mine.agentId(), mine.candidates(), others);
            }
            List<Candidate> candidates = pass.focusCandidates() != null ? pass.focusCandidates()
                    : evaluate(conversation, clock.instant());
            return new DispatchResult(null, candidates, others);
        } finally {
            lock.unlock();
        }
    }

    /** An agent's profile, presence or load changed: refresh it and give it waiting work. */
    public List<Assignment> agentChanged(Agent agent) {
        lock.lock();
        try {
            agents.put(agent.id(), agent);
            if (agent.presence() != Presence.ONLINE || waiting.size() == 0) {
                return List.of();
            }
            return matchAll(null).assignments();
        } finally {
            lock.unlock();
        }
    }

    /** The conversation no longer waits (abandoned, or ended elsewhere). */
    public boolean withdraw(String conversationId) {
        lock.lock();
        try {
            return waiting.remove(conversationId);
        } finally {
            lock.unlock();
        }
    }

    /** 1-based position of a waiting conversation, or 0 if it is not waiting. */
    public int positionOf(String conversationId) {
        lock.lock();
        try {
            return waiting.positionOf(conversationId);
        } finally {
            lock.unlock();
        }
    }

    public int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    public Optional<Agent> cachedAgent(String agentId) {
        lock.lock();
        try {
            return Optional.ofNullable(agents.get(agentId));
        } finally {
            lock.unlock();
        }
    }

    private record MatchPass(List<Assignment> assignments, List<Candidate> focusCandidates) {}

    /**
     * Walks the queue in order and gives each conversation the best eligible agent with spare
     * capacity. {@code focusId} is the conversation whose full candidate list the caller wants
     * even if it stays waiting.
     */
    private MatchPass matchAll(String focusId) {
        List<Assignment> assignments = new ArrayList<>();
        List<Candidate> focusCandidates = null;
        for (ConversationRecord c : waiting.inOrder()) {
            long start = System.nanoTime();
            boolean isFocus = c.id().equals(focusId);
            if (!anyAgentAvailable(c.channel())) {
                continue;
            }
            Instant now = clock.instant();
            Map<String, List<String>> refusedElsewhere = new HashMap<>();
            while (true) {
                Optional<Agent> best = bestAvailable(c, refusedElsewhere.keySet());
                if (best.isEmpty()) {
                    if (isFocus) {
                        focusCandidates = withRefusals(evaluate(c, now), refusedElsewhere);
                    }
                    break;
                }
                Agent chosen = best.get();
                // Explain the choice against the agents as they were when it was made.
                List<Candidate> candidates = evaluate(c, now);
                Optional<Agent> reserved = agentStore.tryReserve(chosen.id(), c.channel(),
                        chosen.capacityFor(c.channel()), c.id(), now);
                if (reserved.isEmpty()) {
                    // Another server took the capacity, or the agent changed: look again.
                    agentStore.find(chosen.id()).ifPresentOrElse(a -> agents.put(a.id(), a),
                            () -> agents.remove(chosen.id()));
                    refusedElsewhere.put(chosen.id(), List.of("capacity taken by another server before the claim"));
                    continue;
                }
                agents.put(chosen.id(), reserved.get());
                if (conversations.markAssigned(c.id(), chosen.id(), now)) {
                    waiting.remove(c.id());
                    assignments.add(new Assignment(c.assigned(chosen.id(), now), chosen.id(),
                            withRefusals(candidates, refusedElsewhere), System.nanoTime() - start));
                } else {
                    // The conversation stopped waiting meanwhile (abandoned elsewhere): hand the unit back.
                    agentStore.release(chosen.id(), c.id(), now).ifPresent(a -> agents.put(a.id(), a));
                    waiting.remove(c.id());
                }
                break;
            }
        }
        return new MatchPass(assignments, focusCandidates);
    }

    private boolean anyAgentAvailable(String channel) {
        for (Agent a : agents.values()) {
            if (a.presence() == Presence.ONLINE && a.hasSpareCapacity(channel)) {
                return true;
            }
        }
        return false;
    }

    private Optional<Agent> bestAvailable(ConversationRecord c, java.util.Set<String> skip) {
        Comparator<Agent> ranking = AgentRanking.forConversation(c.channel(), c.plan().preferredAgentId());
        Agent best = null;
        for (Agent a : agents.values()) {
            if (skip.contains(a.id()) || !Eligibility.isEligible(a, c.channel(), c.plan())) {
                continue;
            }
            if (best == null || ranking.compare(a, best) < 0) {
                best = a;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The agents weighed for a conversation: eligible ones ranked with their score parts, excluded
     * ones with every reason. Agents who are not online are listed only when presence is all that
     * kept them out (the answer to "why not Li Na? she was away"); the rest could never have
     * taken it and would only bloat the record. At most {@link #MAX_CANDIDATES_RECORDED} are kept,
     * eligible first.
     */
    private List<Candidate> evaluate(ConversationRecord c, Instant now) {
        String preferred = c.plan().preferredAgentId();
        Comparator<Agent> ranking = AgentRanking.forConversation(c.channel(), preferred);
        List<Agent> eligible = new ArrayList<>();
        List<Candidate> excluded = new ArrayList<>();
        for (Agent a : agents.values()) {
            List<String> reasons = Eligibility.reasonsToExclude(a, c.channel(), c.plan());
            if (reasons.isEmpty()) {
                eligible.add(a);
            } else if (a.presence() == Presence.ONLINE || reasons.size() == 1) {
                excluded.add(new Candidate(a.id(), false, reasons, null, null));
            }
        }
        eligible.sort(ranking);
        excluded.sort(Comparator.comparing(Candidate::agentId));
        List<Candidate> result = new ArrayList<>(eligible.size() + excluded.size());
        for (int i = 0; i < eligible.size(); i++) {
            Agent a = eligible.get(i);
            result.add(new Candidate(a.id(), true, List.of(), AgentRanking.scoreParts(a, c.channel(), preferred, now), i + 1));
        }
        result.addAll(excluded);
        return result.size() > MAX_CANDIDATES_RECORDED ? List.copyOf(result.subList(0, MAX_CANDIDATES_RECORDED)) : result;
    }

    private static List<Candidate> withRefusals(List<Candidate> candidates, Map<String, List<String>> refused) {
        if (refused.isEmpty()) {
            return candidates;
        }
        List<Candidate> result = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            List<String> why = refused.get(c.agentId());
            result.add(why == null ? c : new Candidate(c.agentId(), false, why, c.score(), null));
        }
        return result;
    }
}
