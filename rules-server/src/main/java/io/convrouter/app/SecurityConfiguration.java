package io.convrouter.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.DispatcherType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

import io.convrouter.security.AccessProblems;
import io.convrouter.security.AccessRules;
import io.convrouter.security.ApiKeyAuthentication;
import io.convrouter.security.ApiKeyFilter;
import io.convrouter.security.ApiKeys;
import io.convrouter.security.GeneratedKeyFile;

/**
 * API keys and roles. Spring Security rather than a servlet filter of our own: its firewall
 * rejects encoded slashes, "..", ";" parameters and other path tricks before any rule sees the
 * path, so the path the access rules match is the path Spring MVC maps. Everything else of it is
 * switched off: no sessions, cookies, CSRF tokens (no browser credential is sent implicitly; the
 * key travels in a header), login forms or generated passwords.
 *
 * <p>Keys come from {@code routing.security.keys[i].name|role|key} (application.yaml,
 * {@code config/application.yaml}, or environment variables such as
 * {@code ROUTING_SECURITY_KEYS_0_KEY}). With none configured the server makes one per role at its
 * first start in {@code routing.security.key-file} (default {@code <data dir>/api-keys.yaml}) and
 * says once in the log where they are.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final int MAX_KEYS = 64;

    @Bean
    ApiKeys apiKeys(Environment env, RoutingProperties routing) {
        Binder binder = Binder.get(env);
        List<ApiKeys.Entry> entries = new ArrayList<>();
        // Field by field (as for webhooks): the name in a file and the key in an environment variable still meet.
        for (int i = 0; i < MAX_KEYS; i++) {
            String p = "routing.security.keys[" + i + "].";
            entries.add(new ApiKeys.Entry(binder.bind(p + "name", String.class).orElse(null),
                    binder.bind(p + "role", String.class).orElse(null),
                    binder.bind(p + "key", String.class).orElse(null)));
        }
        ApiKeys configured = ApiKeys.of("routing.security.keys", entries);
        if (!configured.isEmpty()) {
            log.info("API keys: {} configured ({})", configured.all().size(), configured.all());
            return configured;
        }
        Path file = binder.bind("routing.security.key-file", Path.class)
                .orElseGet(() -> routing.embedded().dataDir().resolve("api-keys.yaml")).toAbsolutePath();
        GeneratedKeyFile.Result r = GeneratedKeyFile.loadOrCreate(file);
        if (r.created()) {
            log.warn("API keys: none configured, so one per role was made in {} (readable by its owner only). Send"
                    + " one as the X-API-Key header; configure routing.security.keys to use your own.", file);
        } else {
            log.info("API keys: none configured; using the keys in {}", file);
        }
        return r.keys();
    }

    /**
     * Declared so Spring Boot does not make a user with a generated password (and log it); API
     * keys are checked by {@link ApiKeyFilter}, so this provider accepts nothing else.
     */
    @Bean
    AuthenticationProvider apiKeyAuthenticationProvider() {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                return authentication instanceof ApiKeyAuthentication ? authentication : null;
            }

            @Override
            public boolean supports(Class<?> type) {
                return ApiKeyAuthentication.class.isAssignableFrom(type);
            }
        };
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeys keys, AuthenticationProvider provider) throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .authenticationManager(new ProviderManager(provider))
                .addFilterBefore(new ApiKeyFilter(keys), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        // the original request was checked; its error page and async completion need no second check
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        .anyRequest().access(byRules()))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> AccessProblems.missingKey(request, response))
                        .accessDeniedHandler((request, response, ex) -> {
                            var auth = org.springframework.security.core.context.SecurityContextHolder.getContext()
                                    .getAuthentication();
                            if (auth instanceof ApiKeyAuthentication key) {
                                AccessProblems.forbidden(request, response, key);
                            } else {
                                AccessProblems.missingKey(request, response);
                            }
                        }));
        return http.build();
    }

    /** A refused path answers with a problem like any other bad input, instead of an empty 400. */
    @Bean
    org.springframework.security.web.firewall.RequestRejectedHandler problemForRejectedPaths() {
        return (request, response, e) -> AccessProblems.rejectedPath(request, response, e.getMessage());
    }

    /** {@link AccessRules}: public, any key, or one of the listed roles; unlisted paths for admin only. */
    private static AuthorizationManager<RequestAuthorizationContext> byRules() {
        return (authentication, context) -> {
            var request = context.getRequest();
            var rule = AccessRules.ruleFor(request.getMethod(), AccessProblems.path(request));
            if (rule.isPresent() && rule.get().kind() == AccessRules.Rule.Kind.PUBLIC) {
                return new AuthorizationDecision(true);
            }
            Authentication auth = authentication.get();
            if (!(auth instanceof ApiKeyAuthentication key)) {
                return new AuthorizationDecision(false);
            }
            if (rule.isPresent() && rule.get().kind() == AccessRules.Rule.Kind.ANY_KEY) {
                return new AuthorizationDecision(true);
            }
            return new AuthorizationDecision(AccessRules.allowedRoles(request.getMethod(), AccessProblems.path(request))
                    .contains(key.role()));
        };
    }
}
