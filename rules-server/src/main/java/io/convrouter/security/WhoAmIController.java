package io.convrouter.security;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Which key a client is using: the console shows it after sign-in and hides what the role may not use. */
@RestController
public class WhoAmIController {

    public record WhoAmI(String name, String role) {}

    @GetMapping("/api/v1/whoami")
    public WhoAmI whoami(Authentication authentication) {
        ApiKeyAuthentication key = (ApiKeyAuthentication) authentication;
        return new WhoAmI(key.name(), key.role().wireName());
    }
}
