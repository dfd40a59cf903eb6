package io.convrouter.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request signed in with an API key: its name is the principal, its role the one authority. */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {
    private final ApiKey key;

    public ApiKeyAuthentication(ApiKey key) {
        super(List.of(new SimpleGrantedAuthority(key.role().authority())));
        this.key = key;
        setAuthenticated(true);
    }

    public String name() {
        return key.name();
    }

    public Role role() {
        return key.role();
    }

    @Override
    public Object getCredentials() {
        return ""; // the key stays out of anything that might print the authentication
    }

    @Override
    public Object getPrincipal() {
        return key.name();
    }
}
