package io.convrouter.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.AgentStore;
import io.convrouter.agents.Presence;

/**
 * A plain in-memory {@link AgentStore} for the dispatch benchmark, with the store's conditional
 * reservation (online, below capacity on the channel, units left, not already held), so that the
 * dispatcher's work is measured without a database round trip. Single-threaded use only.
 */
final class MemoryAgentStore implements AgentStore {
    private final Map<String, Agent> agents = new HashMap<>();

    /** Puts an agent as it is (presence, load and all), as a store holding it would return it. */
    void put(Agent agent) {
        agents.put(agent.id(), agent);
    }

    Agent get(String id) {
        return agents.get(id);
    }

    @Override
    public Agent saveProfile(AgentProfile p, Instant now) {
        Agent a = agents.get(p.id());
        int maxUnits = p.maxUnits() == null ? Agent.UNLIMITED_UNITS : p.maxUnits();
        Agent saved = a == null
                ? new Agent(p.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(), Presence.OFFLINE,
                        Agent.zeroLoad(p.capacity()), List.of(), now, null, 0, maxUnits, null, null, 0, p.queues())
                : new Agent(p.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(), a.presence(),
                        a.load(), a.active(), a.presenceSince(), a.lastFreedAt(), a.unitsUsed(), maxUnits,
                        a.wrapUpUntil(), a.lastAssignedAt(), a.offerTimeouts(), p.queues());
        agents.put(saved.id(), saved);
        return saved;
    }

    @Override
    public Optional<Agent> setPresence(String agentId, Presence presence, Instant now) {
        return update(agentId, a -> copy(a, presence, a.load(), a.active(), now, a.lastFreedAt(), a.unitsUsed(),
                a.wrapUpUntil(), a.lastAssignedAt(), a.offerTimeouts()));
    }

    @Override
    public Optional<Agent> find(String agentId) {
        return Optional.ofNullable(agents.get(agentId));
    }

    @Override
    public List<Agent> findAll() {
        return new ArrayList<>(agents.values());
    }

    @Override
    public Optional<Agent> tryReserve(String agentId, String channel, int units, String conversationId, Instant now) {
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
    public Optional<Agent> startWrapUp(String agentId, Instant until) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), until, a.lastAssignedAt(), a.offerTimeouts()));
    }

    @Override
    public Optional<Agent> recordOfferTimeout(String agentId) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.wrapUpUntil(), a.lastAssignedAt(), a.offerTimeouts() + 1));
    }

    @Override
    public Optional<Agent> resetOfferTimeouts(String agentId) {
        return update(agentId, a -> copy(a, a.presence(), a.load(), a.active(), a.presenceSince(), a.lastFreedAt(),
                a.unitsUsed(), a.wrapUpUntil(), a.lastAssignedAt(), 0));
    }

    @Override
    public Optional<Agent> release(String agentId, String conversationId, Instant now) {
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

    private static Agent copy(Agent a, Presence presence, Map<String, Integer> load, List<Agent.ActiveConversation> active,
                              Instant presenceSince, Instant lastFreedAt, int units, Instant wrapUpUntil,
                              Instant lastAssignedAt, int offerTimeouts) {
        return new Agent(a.id(), a.name(), a.skills(), a.languages(), a.teams(), a.capacity(), presence, load, active,
                presenceSince, lastFreedAt, units, a.maxUnits(), wrapUpUntil, lastAssignedAt, offerTimeouts, a.queues());
    }
}
