package io.convrouter.dispatch;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>Within this server every match runs under one lock and keeps one invariant: <em>no waiting
 * conversation has an eligible agent with spare capacity</em>. So a new conversation only needs
 * checking against the agents (whoever can take it is wanted by nobody ahead of it), and an agent
 * who gains capacity only needs checking against the queue, walked in order (priority, then age):
 * the first conversation it can serve gets it. Both stay cheap however long the queue grows.
 *
 * <p>Across servers sharing a database the claims themselves are atomic in the store (an agent
 * reservation is a conditional update), so no agent goes over capacity and no conversation is
 * assigned twice; a refused reservation refreshes that agent and tries the next candidate.
 */
public final class Dispatcher {

    /** Decision records keep at most this many candidates: eligible ones first, then the closest misses. */
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

    /**
     * Replaces the in-memory view with the stored agents and waiting conversations, then matches
     * the whole queue once, which re-establishes the invariant.
     */
    public List<Assignment> reload(Collection<Agent> storedAgents, Collection<ConversationRecord> queued) {
        lock.lock();
        try {
            agents.clear();
            storedAgents.forEach(a -> agents.put(a.id(), a));
            waiting.clear();
            queued.forEach(waiting::add);
            List<Assignment> assigned = new ArrayList<>();
            for (ConversationRecord c : waiting.inOrder()) {
                Attempt attempt = tryAssign(c, clock.instant(), false);
                if (attempt.assignment() != null) {
                    assigned.add(attempt.assignment());
                }
            }
            return assigned;
        } finally {
            lock.unlock();
        }
    }

    /** Assigns a new conversation at once if an agent can take it; otherwise it waits in order. */
    public DispatchResult submit(ConversationRecord conversation) {
        lock.lock();
        try {
            if (waiting.contains(conversation.id())) {
                return new DispatchResult(null, evaluate(conversation, clock.instant(), Map.of()), List.of());
            }
            Attempt attempt = tryAssign(conversation, clock.instant(), true);
            if (attempt.assignment() != null) {
                return new DispatchResult(attempt.assignment().agentId(), attempt.assignment().candidates(), List.of());
            }
            if (attempt.stillWaiting()) {
                waiting.add(conversation);
            }
            return new DispatchResult(null, attempt.candidates(), List.of());
        } finally {
            lock.unlock();
        }
    }

    /**
     * An agent's profile, presence or load changed: refresh the view, and if the agent can take
     * work, give it the first conversation in queue order it can serve, again until it is full.
     */
    public List<Assignment> agentChanged(Agent agent) {
        lock.lock();
        try {
            agents.put(agent.id(), agent);
            List<Assignment> assigned = new ArrayList<>();
            if (agent.presence() != Presence.ONLINE || waiting.size() == 0) {
                return assigned;
            }
            while (true) {
                Agent current = agents.get(agent.id());
                if (current == null || current.presence() != Presence.ONLINE) {
                    break;
                }
                Optional<ConversationRecord> next = waiting.firstServableBy(current);
                if (next.isEmpty()) {
                    break;
                }
                ConversationRecord c = next.get();
                Instant now = clock.instant();
                long start = System.nanoTime();
                List<Candidate> candidates = evaluate(c, now, Map.of());
                Claim claim = claim(current, c, now);
                if (claim == Claim.TAKEN) {
                    assigned.add(new Assignment(c.assigned(current.id(), now), current.id(), candidates,
                            System.nanoTime() - start));
                } else if (claim == Claim.AGENT_REFUSED) {
                    break; // the store says this agent is full or gone: nothing more to give it
                }
            }
            return assigned;
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

    /** 1-based position of a waiting conversation within its queue, or 0 if it is not waiting. */
    public int positionOf(String conversationId) {
        lock.lock();
        try {
            return waiting.positionInQueue(conversationId);
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

    /** The outcome of trying to place one conversation. */
    private record Attempt(Assignment assignment, List<Candidate> candidates, boolean stillWaiting) {}

    private enum Claim { TAKEN, AGENT_REFUSED, CONVERSATION_GONE }

    /**
     * Gives the conversation to its best eligible agent, trying the next one when another server
     * took an agent's capacity first. {@code explainIfWaiting}: also evaluate every agent when it
     * ends up waiting, for the decision record.
     */
    private Attempt tryAssign(ConversationRecord c, Instant now, boolean explainIfWaiting) {
        long start = System.nanoTime();
        Map<String, List<String>> refused = new HashMap<>();
        while (true) {
            Optional<Agent> best = bestEligible(c, refused.keySet());
            if (best.isEmpty()) {
                return new Attempt(null, explainIfWaiting ? evaluate(c, now, refused) : List.of(), true);
            }
            Agent chosen = best.get();
            // Explain the choice against the agents as they were when it was made.
            List<Candidate> candidates = evaluate(c, now, refused);
            Claim claim = claim(chosen, c, now);
            switch (claim) {
                case TAKEN:
                    waiting.remove(c.id());
                    return new Attempt(new Assignment(c.assigned(chosen.id(), now), chosen.id(), candidates,
                            System.nanoTime() - start), candidates, false);
                case CONVERSATION_GONE:
                    waiting.remove(c.id());
                    return new Attempt(null, candidates, false);
                default:
                    refused.put(chosen.id(), List.of("capacity taken by another server before the claim"));
            }
        }
    }

    /**
     * The two atomic writes of an assignment: reserve the agent's capacity, then move the
     * conversation from queued to assigned (handing the capacity back if it stopped waiting).
     */
    private Claim claim(Agent agent, ConversationRecord c, Instant now) {
        Optional<Agent> reserved = agentStore.tryReserve(agent.id(), c.channel(), agent.capacityFor(c.channel()),
                c.id(), now);
        if (reserved.isEmpty()) {
            // Another server took the capacity, or the agent changed: refresh our view of it.
            agentStore.find(agent.id()).ifPresentOrElse(a -> agents.put(a.id(), a), () -> agents.remove(agent.id()));
            return Claim.AGENT_REFUSED;
        }
        agents.put(agent.id(), reserved.get());
        if (conversations.markAssigned(c.id(), agent.id(), now)) {
            waiting.remove(c.id());
            return Claim.TAKEN;
        }
        // The conversation stopped waiting meanwhile (abandoned elsewhere): hand the unit back.
        agentStore.release(agent.id(), c.id(), now).ifPresent(a -> agents.put(a.id(), a));
        waiting.remove(c.id());
        return Claim.CONVERSATION_GONE;
    }

    private Optional<Agent> bestEligible(ConversationRecord c, Set<String> skip) {
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
     * The agents weighed for a conversation: eligible ones ranked with their score parts, then
     * excluded ones with every reason, closest misses (fewest reasons) first. Agents who are not
     * online are listed only when presence is all that kept them out (the answer to "why not
     * Li Na? she was away"); the rest could never have taken it and would only bloat the record.
     */
    private List<Candidate> evaluate(ConversationRecord c, Instant now, Map<String, List<String>> refused) {
        String preferred = c.plan().preferredAgentId();
        Comparator<Agent> ranking = AgentRanking.forConversation(c.channel(), preferred);
        List<Agent> eligible = new ArrayList<>();
        List<Candidate> excluded = new ArrayList<>();
        Set<String> refusedIds = new HashSet<>(refused.keySet());
        for (Agent a : agents.values()) {
            if (refusedIds.contains(a.id())) {
                excluded.add(new Candidate(a.id(), false, refused.get(a.id()), null, null));
                continue;
            }
            if (Eligibility.isEligible(a, c.channel(), c.plan())) {
                eligible.add(a);
                continue;
            }
            List<String> reasons = Eligibility.reasonsToExclude(a, c.channel(), c.plan());
            if (a.presence() == Presence.ONLINE || reasons.size() == 1) {
                excluded.add(new Candidate(a.id(), false, reasons, null, null));
            }
        }
        eligible.sort(ranking);
        excluded.sort(Comparator.comparingInt((Candidate x) -> x.excludedBecause().size()).thenComparing(Candidate::agentId));
        List<Candidate> result = new ArrayList<>(Math.min(MAX_CANDIDATES_RECORDED, eligible.size() + excluded.size()));
        for (int i = 0; i < eligible.size() && result.size() < MAX_CANDIDATES_RECORDED; i++) {
            Agent a = eligible.get(i);
            result.add(new Candidate(a.id(), true, List.of(), AgentRanking.scoreParts(a, c.channel(), preferred, now), i + 1));
        }
        for (int i = 0; i < excluded.size() && result.size() < MAX_CANDIDATES_RECORDED; i++) {
            result.add(excluded.get(i));
        }
        return result;
    }
}
