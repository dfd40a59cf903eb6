package io.convrouter.agents;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where agents live. Reservations are atomic in the store itself, so two server instances
 * sharing one database can never push an agent over capacity.
 */
public interface AgentStore {

    /** Creates the agent (offline, no load) or updates its profile, keeping presence and load. */
    Agent saveProfile(AgentProfile profile, Instant now);

    Optional<Agent> setPresence(String agentId, Presence presence, Instant now);

    Optional<Agent> find(String agentId);

    List<Agent> findAll();

    /**
     * Takes one unit of the agent's capacity on the channel for the conversation, only if the
     * agent is online and below its capacity there. Returns the updated agent, or empty when
     * the reservation was refused.
     */
    Optional<Agent> tryReserve(String agentId, String channel, int capacity, String conversationId, Instant now);

    /** Gives back the unit held for the conversation; does nothing if the agent does not hold it. */
    Optional<Agent> release(String agentId, String conversationId, Instant now);
}
