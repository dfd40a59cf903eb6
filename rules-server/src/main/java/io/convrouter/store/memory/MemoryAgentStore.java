package io.convrouter.store.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.AgentStore;
import io.convrouter.agents.Presence;

/**
 * Agents in memory, with the same conditional steps as the MongoDB store: a reservation checks
 * presence, the stored capacity on the channel, the units left and that the conversation is not
 * held already, and takes the place, all in one atomic step. For the simulator and benchmarks,
 * which run the routing core without a database; nothing survives the process. Thread-safe.
 */
public final class MemoryAgentStore implements AgentStore {
    private final Map<String, Agent> agents = new TreeMap<>();

    /** Stores the agent exactly as given (presence, load and all), replacing any with the same id. */
    public synchronized void put(Agent agent) {
        agents.put(agent.id(), agent);
    }

    @Override
    public synchronized Agent saveProfile(AgentProfile p, Instant now) {
        Agent a = agents.get(p.id());
        int maxUnits = p.maxUnits() == null ? Agent.UNLIMITED_UNITS : p.maxUnits();
        Agent saved;
        if (a == null) {
            saved = new Agent(p.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(), Presence.OFFLINE,
                    Agent.zeroLoad(p.capacity()), List.of(), now, null, 0, maxUnits, null, null, 0, p.queues());
        } else {
            // The load covers the channels of the new profile, and keeps any channel still holding work.
            Map<String, Integer> load = new LinkedHashMap<>();
            p.capacity().keySet().forEach(ch -> load.put(ch, a.loadOn(ch)));
            a.load().forEach((ch, n) -> {
                if (n != 0) {
                    load.put(ch, n);
                }
            });
            saved = new Agent(p.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(), a.presence(), load,
                    a.active(), a.presenceSince(), a.lastFreedAt(), a.unitsUsed(), maxUnits, a.wrapUpUntil(),
                    a.lastAssignedAt(), a.offerTimeouts(), p.queues());
        }
        agents.put(saved.id(), saved);
        return saved;
    }

    @Override
    public synchronized Optional<Agent> setPresence(String agentId, Presence presence, Instant now) {
        Agent a = agents.get(agentId);
        if (a == null) {
            return Optional.empty();
        }
        if (a.presence() == presence) {
            return Optional.of(a); // presenceSince moves only when presence changes
        }
        return update(agentId, x -> copy(x, presence, x.load(), x.active(), now, x.lastFreedAt(), x.unitsUsed(),
                x.wrapUpUntil(), x.lastAssignedAt(), x.offerTimeouts()));
    }

    @Override
    public synchronized Optional<Agent> find(String agentId) {
        return Optional.ofNullable(agents.get(agentId));
    }

    /** Every agent, by id. */
    @Override
    public synchronized List<Agent> findAll() {
        return new ArrayList<>(agents.values());
    }

    @Override
    public synchronized Optional<Agent> tryReserve(String agentId, String channel, int units, String conversationId,
                                                   Instant now) {
        Agent a = agents.get(agentId);
        if (a == null || a.presence() != Presence.ONLINE || a.holds(conversationId)
                || a.loadOn(channel) >= a.capacityFor(channel) || !a.hasUnitsFor(units)) {
            return Optional.empty();
        }
        Map<String, Integer> load = new LinkedHashMap<>(a.load());
        load.merge(channel, 1, Integer::sum);
        List<Agent.ActiveConversation> active = new ArrayList<>(a.active());
        active.add(new Agent.ActiveConversation(conversationId, channel, now, units));
        Agent updated = copy(a, a.presence(), load, active, a.presenceSince(), a.lastFreedAt(), a.unitsUsed() + units,
                a.wrapUpUntil(), now, a.offerTimeouts());
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    @Override
    public synchronized Optional<Agent> startWrapUp(String agentId, Instant until) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), until, a.lastAssignedAt(), a.offerTimeouts()));
    }

    @Override
    public synchronized Optional<Agent> recordOfferTimeout(String agentId) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.wrapUpUntil(), a.lastAssignedAt(), a.offerTimeouts() + 1));
    }

    @Override
    public synchronized Optional<Agent> resetOfferTimeouts(String agentId) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.wrapUpUntil(), a.lastAssignedAt(), 0));
    }

    /** Gives back the place held for the conversation, once: a repeated release changes nothing. */
    @Override
    public synchronized Optional<Agent> release(String agentId, String conversationId, Instant now) {
        Agent a = agents.get(agentId);
        if (a == null) {
            return Optional.empty();
        }
        Agent.ActiveConversation held = null;
        for (Agent.ActiveConversation x : a.active()) {
            if (x.conversationId().equals(conversationId)) {
                held = x;
                break;
            }
        }
        if (held == null) {
            return Optional.of(a);
        }
        Map<String, Integer> load = new LinkedHashMap<>(a.load());
        load.merge(held.channel(), -1, Integer::sum);
        List<Agent.ActiveConversation> active = new ArrayList<>(a.active());
        active.remove(held);
        Agent updated = copy(a, a.presence(), load, active, a.presenceSince(), now, a.unitsUsed() - held.units(),
                a.wrapUpUntil(), a.lastAssignedAt(), a.offerTimeouts());
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    private Optional<Agent> update(String agentId, UnaryOperator<Agent> change) {
        Agent a = agents.get(agentId);
        if (a == null) {
            return Optional.empty();
        }
        Agent updated = change.apply(a);
        agents.put(agentId, updated);
        return Optional.of(updated);
    }

    private static Agent copy(Agent a, Presence presence, Map<String, Integer> load,
                              List<Agent.ActiveConversation> active, Instant presenceSince, Instant lastFreedAt,
                              int units, Instant wrapUpUntil, Instant lastAssignedAt, int offerTimeouts) {
        return new Agent(a.id(), a.name(), a.skills(), a.languages(), a.teams(), a.capacity(), presence, load, active,
                presenceSince, lastFreedAt, units, a.maxUnits(), wrapUpUntil, lastAssignedAt, offerTimeouts, a.queues());
    }
}
