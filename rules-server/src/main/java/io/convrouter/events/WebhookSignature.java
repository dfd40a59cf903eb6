package io.convrouter.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The request signature: {@code X-Routing-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed
 * with the endpoint's shared secret>}. Receivers recompute it over the bytes they received, before
 * parsing them, and compare in constant time ({@link #verify}).
 */
public final class WebhookSignature {
    public static final String HEADER = "X-Routing-Signature";
    public static final String EVENT_ID_HEADER = "X-Routing-Event-Id";
    public static final String EVENT_TYPE_HEADER = "X-Routing-Event-Type";
    public static final String TIMESTAMP_HEADER = "X-Routing-Timestamp";
    public static final String ATTEMPT_HEADER = "X-Routing-Delivery-Attempt";
    private static final String PREFIX = "sha256=";

    private WebhookSignature() {}

    /** {@code sha256=<64 lower-case hex digits>}. */
    public static String sign(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    /** Whether {@code header} is the signature of {@code body} with {@code secret}, compared in constant time. */
    public static boolean verify(String secret, byte[] body, String header) {
        if (header == null || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, body), given);
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
