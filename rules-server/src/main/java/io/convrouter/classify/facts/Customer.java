package io.convrouter.classify.facts;

import java.util.Set;

/** The customer profile the integration sent with the conversation. */
public final class Customer {
    private final String id;
    private final String tier;
    private final boolean returning;
    private final String lastAgentId;
    private final int orderCount;
    private final Set<String> tags;

    public Customer(String id, String tier, boolean returning, String lastAgentId, int orderCount, Set<String> tags) {
        this.id = id;
        this.tier = tier;
        this.returning = returning;
        this.lastAgentId = lastAgentId;
        this.orderCount = orderCount;
        this.tags = tags == null ? Set.of() : Set.copyOf(tags);
    }

    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }

    public String getId() { return id; }
    public String getTier() { return tier; }
    public boolean isReturning() { return returning; }
    public String getLastAgentId() { return lastAgentId; }
    public int getOrderCount() { return orderCount; }
    public Set<String> getTags() { return tags; }

    @Override
    public String toString() {
        return "Customer[" + id + ", " + tier + "]";
    }
}
