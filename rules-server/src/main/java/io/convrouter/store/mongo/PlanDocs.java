package io.convrouter.store.mongo;

import org.bson.Document;

import io.convrouter.classify.Classification;

/** The routing plan as a BSON document, shared by conversations and decisions. */
final class PlanDocs {
    private PlanDocs() {}

    static Document toDoc(Classification.Plan p) {
        if (p == null) {
            return null;
        }
        return new Document("intent", p.intent())
                .append("queue", p.queue())
                .append("requiredSkills", Docs.doc(p.requiredSkills()))
                .append("language", p.language())
                .append("team", p.team())
                .append("priority", p.priority())
                .append("slaSeconds", p.slaSeconds())
                .append("botFirst", p.botFirst())
                .append("preferredAgentId", p.preferredAgentId())
                .append("dropped", p.dropped());
    }

    static Classification.Plan fromDoc(Document d) {
        if (d == null) {
            return null;
        }
        return new Classification.Plan(d.getString("intent"), d.getString("queue"), Docs.intMap(d, "requiredSkills"),
                d.getString("language"), d.getString("team"), d.getInteger("priority", 0),
                d.getInteger("slaSeconds", 0), d.getBoolean("botFirst", false), d.getString("preferredAgentId"),
                d.getBoolean("dropped", false));
    }
}
