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
     * Takes one place of the agent's capacity on the channel and {@code units} of its weighted
     * capacity for the conversation, only if the agent is online, below its stored capacity on the
     * channel and has the units left, all checked in one atomic step. Returns the updated agent, or
     * empty when the reservation was refused.
     */
    Optional<Agent> tryReserve(String agentId, String channel, int units, String conversationId, Instant now);

    /** No new work for the agent until {@code until} (wrap-up after a conversation). */
    Optional<Agent> startWrapUp(String agentId, Instant until);

    /** Counts one more offer the agent let time out; returns the agent with the new count. */
    Optional<Agent> recordOfferTimeout(String agentId);

    /** The agent accepted an offer: the count of timeouts in a row starts again. */
    Optional<Agent> resetOfferTimeouts(String agentId);

    /** Gives back the unit held for the conversation; does nothing if the agent does not hold it. */
    Optional<Agent> release(String agentId, String conversationId, Instant now);
}
