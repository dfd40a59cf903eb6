package io.convrouter.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class WebhookSettingsTest {

    @Test
    void backoffDoublesFromTheBaseUpToTheCap() {
        WebhookSettings s = WebhookSettings.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 10, 0);
        assertThat(s.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.backoff(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(s.backoff(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.backoff(1_000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterOnlyShortensTheWait() {
        WebhookSettings s = WebhookSettings.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 10, 0.2);
        for (int i = 0; i < 1_000; i++) {
            assertThat(s.backoff(4)).isBetween(Duration.ofMillis(6_400), Duration.ofSeconds(8));
        }
    }

    @Test
    void defaultsAreValidAndBadValuesNameTheirProperty() {
        assertThat(WebhookSettings.defaults().problems("routing.events")).isEmpty();
        WebhookSettings bad = new WebhookSettings(0, Duration.ZERO, Duration.ofSeconds(1), 0, 1.5, Duration.ofSeconds(1),
                Duration.ofSeconds(10), 0, Duration.ofMillis(100), Duration.ofSeconds(-1), Duration.ofSeconds(5));
        assertThat(bad.problems("routing.events")).containsExactly(
                "routing.events.max-stored: must be at least 1",
                "routing.events.retry.base: must be greater than 0",
                "routing.events.retry.max-attempts: must be at least 1",
                "routing.events.retry.jitter: must be 0 or more and less than 1",
                "routing.events.max-in-flight: must be at least 1",
                "routing.events.rescan-interval: must be 0 or more",
                "routing.events.lease: must be at least twice request-timeout");
    }
}
