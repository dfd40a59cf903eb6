package io.convrouter.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Who may call what: one ordered table, first match wins, anything not listed is for admin only
 * (a new endpoint is closed until someone decides who may use it). The same table drives the
 * security filter chain, the 403 answers ("needs one of ...") and the roles shown in the OpenAPI
 * document.
 */
public final class AccessRules {

    /** One row: a method (null = any) and a path pattern, and who may call it. */
    public record Rule(HttpMethod method, String pattern, Kind kind, Set<Role> roles) {
        public enum Kind { PUBLIC, ANY_KEY, ROLES }

        boolean matches(String method, PathContainer path) {
            return (this.method == null || this.method.name().equalsIgnoreCase(method))
                    && PATTERNS.computeIfAbsent(pattern, PARSER::parse).matches(path);
        }

        /** The roles that may call it, admin included (empty for a public or any-key rule). */
        public Set<Role> allowed() {
            return roles;
        }
    }

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;
    private static final java.util.Map<String, PathPattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The table. */
    public static final List<Rule> RULES = List.of(
            // health probes, the console page and the API description are not secret
            open(HttpMethod.GET, "/actuator/health"),
            open(HttpMethod.GET, "/actuator/health/**"),
            open(HttpMethod.GET, "/console"),
            open(HttpMethod.GET, "/console/**"),
            open(HttpMethod.GET, "/v3/api-docs"),
            open(HttpMethod.GET, "/v3/api-docs/**"),
            open(HttpMethod.GET, "/swagger-ui.html"),
            open(HttpMethod.GET, "/swagger-ui/**"),
            anyKey(HttpMethod.GET, "/api/v1/whoami"),

            // integrations: intake and the conversation lifecycle, agents and their presence
            roles(HttpMethod.POST, "/api/v1/conversations", Role.INTEGRATION),
            roles(HttpMethod.POST, "/api/v1/conversations/batch", Role.INTEGRATION),
            roles(HttpMethod.POST, "/api/v1/conversations/*/*", Role.INTEGRATION),
            roles(HttpMethod.PUT, "/api/v1/agents/*/presence", Role.INTEGRATION),
            // the roster comes from the desk's own directory (integration) or is edited by ops
            roles(HttpMethod.PUT, "/api/v1/agents/*", Role.INTEGRATION, Role.OPS),

            // live state, read only
            roles(HttpMethod.GET, "/api/v1/conversations/*/decisions", Role.SUPERVISOR, Role.AUDITOR),
            roles(HttpMethod.GET, "/api/v1/conversations/*", Role.INTEGRATION, Role.SUPERVISOR),
            roles(HttpMethod.GET, "/api/v1/conversations/*/position", Role.INTEGRATION, Role.SUPERVISOR),
            roles(HttpMethod.GET, "/api/v1/agents", Role.SUPERVISOR, Role.OPS, Role.INTEGRATION),
            roles(HttpMethod.GET, "/api/v1/agents/*", Role.SUPERVISOR, Role.OPS, Role.INTEGRATION),
            roles(HttpMethod.GET, "/api/v1/queues", Role.SUPERVISOR, Role.OPS),
            roles(HttpMethod.GET, "/api/v1/queues/*", Role.SUPERVISOR, Role.OPS),
            roles(HttpMethod.GET, "/api/v1/rebalance", Role.SUPERVISOR, Role.OPS),

            // auditors: the decision log, its exports and reports (reports also for supervisors: they manage the queues)
            roles(HttpMethod.GET, "/api/v1/decisions", Role.AUDITOR),
            roles(HttpMethod.GET, "/api/v1/decisions/**", Role.AUDITOR),
            roles(HttpMethod.GET, "/api/v1/reports/**", Role.AUDITOR, Role.SUPERVISOR),
            // an auditor reads the ruleset versions that decisions name
            roles(HttpMethod.GET, "/api/v1/rulesets/**", Role.OPS, Role.AUDITOR),
            roles(HttpMethod.GET, "/api/v1/rulesets", Role.OPS, Role.AUDITOR),

            // ops: policies, replays, experiments, the rebalancer, webhooks
            roles(null, "/api/v1/rulesets", Role.OPS),
            roles(null, "/api/v1/rulesets/**", Role.OPS),
            roles(HttpMethod.POST, "/api/v1/rebalance", Role.OPS),
            roles(null, "/api/v1/events", Role.OPS),
            roles(null, "/api/v1/events/**", Role.OPS),

            // metrics for the monitoring system
            roles(HttpMethod.GET, "/actuator/prometheus", Role.SUPERVISOR, Role.OPS));

    private AccessRules() {}

    /** The first rule matching a request, if any (none: admin only). */
    public static Optional<Rule> ruleFor(String method, String path) {
        PathContainer parsed = PathContainer.parsePath(path); // once per request, not once per rule
        return RULES.stream().filter(r -> r.matches(method, parsed)).findFirst();
    }

    /** The roles that may call this; admin only when no rule matches. */
    public static Set<Role> allowedRoles(String method, String path) {
        return ruleFor(method, path).map(Rule::allowed).orElse(EnumSet.of(Role.ADMIN));
    }

    public static String describe(Set<Role> roles) {
        return roles.stream().map(Role::wireName).collect(Collectors.joining(", "));
    }

    private static Rule open(HttpMethod method, String pattern) {
        return new Rule(method, pattern, Rule.Kind.PUBLIC, Set.of());
    }

    private static Rule anyKey(HttpMethod method, String pattern) {
        return new Rule(method, pattern, Rule.Kind.ANY_KEY, Set.of());
    }

    private static Rule roles(HttpMethod method, String pattern, Role... roles) {
        EnumSet<Role> set = EnumSet.of(Role.ADMIN);
        set.addAll(Arrays.asList(roles));
        return new Rule(method, pattern, Rule.Kind.ROLES, java.util.Collections.unmodifiableSet(set));
    }

}
