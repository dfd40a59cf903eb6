package io.convrouter.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    @Test
    void isTheHexHmacSha256OfTheRawBody() {
        // printf '{"a":1}' | openssl dgst -sha256 -hmac 'top-secret'
        assertThat(WebhookSignature.sign("top-secret", BODY))
                .isEqualTo("sha256=406c4a985621e8689bb2d1bcf95e69d4dfcfc0bb58171cf86fb4d95a6453dec2");
        assertThat(WebhookSignature.sign("key", new byte[0]))
                .isEqualTo("sha256=5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0");
    }

    @Test
    void verifiesOnlyTheRightSecretAndBody() {
        String header = WebhookSignature.sign("top-secret", BODY);
        assertThat(WebhookSignature.verify("top-secret", BODY, header)).isTrue();
        assertThat(WebhookSignature.verify("top-secreT", BODY, header)).isFalse();
        assertThat(WebhookSignature.verify("top-secret", "{\"a\":2}".getBytes(StandardCharsets.UTF_8), header)).isFalse();
        assertThat(WebhookSignature.verify("top-secret", BODY, header.substring(7))).isFalse();
        assertThat(WebhookSignature.verify("top-secret", BODY, "sha256=zz")).isFalse();
        assertThat(WebhookSignature.verify("top-secret", BODY, null)).isFalse();
    }
}
