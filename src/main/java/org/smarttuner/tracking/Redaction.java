package org.smarttuner.tracking;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the password a URL carries in any text that leaves the process: the printed configuration, log
 * lines, error messages, MLflow params and tags, Delta rows. {@code http://u:pw@host:5000} shows as
 * {@code http://u:***@host:5000}. A user part without a colon is left alone: it is how Azure storage
 * names a container ({@code abfss://container@account.dfs.core.windows.net/...}), and a tracking URI with
 * such a part is refused without being shown ({@link TrackingUrl}). Tokens and passwords from the
 * environment never enter such text (they live in {@link Secret}s), so URLs are the one place a
 * credential can hide in a value.
 */
public final class Redaction {
    public static final String MASK = "***";
    /**
     * scheme://userinfo@ : the authority ends at the first / ? # or white space, the user part at its last
     * '@' (as browsers and Python's urllib split it, so a raw '@' in a password is hidden too).
     */
    private static final Pattern USER_INFO = Pattern.compile("(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*://)"
            + "([^/?#\\s]*)@");

    private Redaction() {
    }

    /** {@code text} with every URL's user:password replaced by user:***; null stays null. */
    public static String redact(String text) {
        if (text == null || text.indexOf('@') < 0 || !text.contains("://")) {
            return text;
        }
        Matcher m = USER_INFO.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String userInfo = m.group(2);
            int colon = userInfo.indexOf(':');
            String shown = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":" + MASK;
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + shown + "@"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A value for an error message about a URL that may be malformed: redacted, or not shown at all when an
     * '@' is left after redaction (a password with a raw '/' ends the authority early, so {@link #redact}
     * cannot tell it from a path).
     */
    public static String forMessage(String url) {
        String shown = redact(url);
        return shown.replace(MASK + "@", "").indexOf('@') < 0 ? shown : "(not shown: it has an '@', so it may hold a password)";
    }

    /**
     * Stricter, for text known to hold a tracking URI: also a user part without a password (there, often
     * a token) shows as {@code ***}.
     */
    public static String redactAnyUserPart(String text) {
        String once = redact(text);
        if (once == null || once.indexOf('@') < 0) {
            return once;
        }
        Matcher m = USER_INFO.matcher(once);
        StringBuilder out = new StringBuilder(once.length());
        while (m.find()) {
            String userInfo = m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + (userInfo.contains(":") ? userInfo : MASK)
                    + "@"));
        }
        m.appendTail(out);
        return out.toString();
    }
}
