package io.convrouter.dispatch;

/**
 * Where a waiting conversation stands: its place in its queue and the estimated wait in seconds
 * (null when no agent who could serve it is online, so no estimate can be made).
 */
public record WaitEstimate(String conversationId, String queue, int position, Long estimatedWaitSeconds,
                           long waitedSeconds) {}
