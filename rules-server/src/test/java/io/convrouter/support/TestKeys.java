package io.convrouter.support;

import java.util.Map;

/** The API keys of the test configuration (src/test/resources/config/application.yaml), one per role. */
public final class TestKeys {
    public static final String ADMIN = "test-admin-key-0000000000000000";
    public static final String INTEGRATION = "test-integration-key-00000000000";
    public static final String OPS = "test-ops-key-0000000000000000000";
    public static final String SUPERVISOR = "test-supervisor-key-000000000000";
    public static final String AUDITOR = "test-auditor-key-000000000000000";

    /** Role name to key. */
    public static final Map<String, String> BY_ROLE = Map.of("admin", ADMIN, "integration", INTEGRATION, "ops", OPS,
            "supervisor", SUPERVISOR, "auditor", AUDITOR);

    private TestKeys() {}
}
