package io.convrouter.agents;

import io.convrouter.workbench.Workbench;

/**
 * Weighted capacity: what one conversation on a channel takes of an agent, in milli-units (a chat
 * weighing 1.0 in channels.yaml takes 1000), so weights like 0.5 stay exact integers.
 */
public final class Units {
    private Units() {}

    public static int of(Workbench workbench, String channel) {
        Workbench.Channel c = workbench.channels().get(channel);
        return c == null ? 1000 : (int) Math.round(c.capacityWeight() * 1000);
    }
}
