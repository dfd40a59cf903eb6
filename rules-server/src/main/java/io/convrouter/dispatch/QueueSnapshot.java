package io.convrouter.dispatch;

import java.util.Map;

/**
 * A queue right now, for supervisors: how many wait and the longest wait, the estimated wait for a
 * new conversation, the service level over the last 15 minutes against its target, and its agents
 * by state (online, away, busy, offline, wrap-up).
 */
public record QueueSnapshot(String queue, int waiting, long longestWaitSeconds, Long estimatedWaitSeconds,
                            double serviceLevel, double serviceLevelTarget, long answeredLast15Minutes,
                            long abandonedLast15Minutes, double averageHandleSeconds, Map<String, Integer> agents,
                            boolean waitAlert) {}
