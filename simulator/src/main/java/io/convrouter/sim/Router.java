package io.convrouter.sim;

import java.util.Map;

import io.convrouter.classify.Classification;

/**
 * A routing policy as the event loop drives it. The loop tells it what customers and agents do;
 * it tells the loop, through the {@link Listener}, what it decided. Listener calls only record:
 * they never call back into the router.
 */
interface Router {

    /** Registers every agent (offline until their first shift). */
    void start(Listener listener);

    /**
     * A customer asks for an agent. {@code returning}: this customer called before in the run;
     * {@code lastAgentId}: the agent who last answered them (what a CRM would tell intake).
     */
    void arrive(Scenario.Call call, boolean returning, String lastAgentId);

    void presence(String agentId, boolean online);

    void accept(Scenario.Call call, String agentId);

    void reject(Scenario.Call call, String agentId);

    void firstReply(Scenario.Call call, String agentId);

    /** The agent finished serving the call. */
    void complete(Scenario.Call call, String agentId);

    /** The customer hung up while waiting (or while the offer was ringing). */
    void abandon(Scenario.Call call);

    /** When the policy's next timer is due (virtual epoch milliseconds), or {@code Long.MAX_VALUE}. */
    long nextTimer();

    void fireTimers();

    /** One periodic rebalance; false when this policy has none. */
    boolean rebalance();

    /** Whether agents must send a first reply in the call's queue (else the call is reclaimed). */
    boolean needsFirstReply(String queue);

    /** What the policy counted besides calls (decisions by kind, rebalance runs...), for the report. */
    Map<String, Long> counters();

    interface Listener {
        /** How the call was classified (its first plan: what was asked). */
        void classified(Scenario.Call call, Classification.Plan plan);

        /** The call went to the bot, a message or a call back (or was dropped) instead of the agents. */
        void parked(Scenario.Call call, String status);

        void offered(Scenario.Call call, String agentId);

        /** The agent has the call: service starts. */
        void answered(Scenario.Call call, String agentId);

        /** The call came back from the agent: offer declined or timed out, revoked, or reclaimed. */
        void returned(Scenario.Call call, String agentId, String why);
    }
}
