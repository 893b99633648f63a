package org.smarttuner.tracking;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A tracking URL split once into the URL requests go to (no user:password in it) and the Basic credentials
 * its user:password part carried, percent-decoded. Java's HTTP client ignores a URL's user part, so the
 * server would answer 401; here it becomes the Authorization header instead.
 *
 * @param url         the URL without its user part, e.g. {@code http://host:5000}
 * @param credentials user and password from {@code http://user:password@host}, if any
 */
public record TrackingUrl(String url, Optional<Credentials.Basic> credentials) {
    /** What a user part may look like, for error messages. */
    public static final String ALLOWED = "http(s)://user:password@host:port with special characters "
            + "percent-encoded (@ as %40, : as %3A, / as %2F, % as %25), or the URL without a user part and "
            + "MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD in the environment";

    /**
     * Splits {@code raw} ({@code scheme://[user:password@]host...}); {@code source} names where it was set
     * (kept with the credentials for messages).
     *
     * @throws IllegalArgumentException saying what is wrong with the user part, never showing it
     */
    public static TrackingUrl parse(String raw, String source) {
        int schemeEnd = raw.indexOf("://");
        if (schemeEnd < 0) {
            return new TrackingUrl(raw, Optional.empty());
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < raw.length() && "/?#".indexOf(raw.charAt(end)) < 0) {
            end++;
        }
        int at = raw.lastIndexOf('@', end - 1);
        if (at < start) {
            return new TrackingUrl(raw, Optional.empty());
        }
        String userInfo = raw.substring(start, at);
        String url = raw.substring(0, start) + raw.substring(at + 1);
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            // Not shown: a lone user part is often a token.
            throw new IllegalArgumentException("the URL has a user part before '@' but no ':password' in it (not "
                    + "shown: it may be a token)");
        }
        String user = decode(userInfo.substring(0, colon), "user name");
        String password = decode(userInfo.substring(colon + 1), "password");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("the URL's user:password part has an empty user name");
        }
        return new TrackingUrl(url, Optional.of(new Credentials.Basic(user, new Secret(password), source)));
    }

    /** Strict percent-decoding (RFC 3986: '+' is a plus sign); the message names the part, never its text. */
    private static String decode(String s, String part) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        int i = 0;
        for (int pct = s.indexOf('%'); pct >= 0; pct = s.indexOf('%', i)) {
            bytes.writeBytes(s.substring(i, pct).getBytes(StandardCharsets.UTF_8));
            int hi = pct + 1 < s.length() ? hex(s.charAt(pct + 1)) : -1;
            int lo = pct + 2 < s.length() ? hex(s.charAt(pct + 2)) : -1;
            if (hi < 0 || lo < 0) {
                // No position: it would tell the password's length.
                throw new IllegalArgumentException("the " + part + " in the URL's user:password part has a '%' that "
                        + "is not followed by two hex digits (malformed percent-encoding)");
            }
            bytes.write(hi * 16 + lo);
            i = pct + 3;
        }
        bytes.writeBytes(s.substring(i).getBytes(StandardCharsets.UTF_8));
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the " + part + " in the URL's user:password part is not UTF-8 once "
                    + "percent-decoded");
        }
    }

    /** An ASCII hex digit's value, else -1 (Character.digit would take other scripts' digits too). */
    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
