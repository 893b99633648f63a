package org.smarttuner.tracking;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where tracking goes and how to sign in, resolved once from the tracking URI and MLflow's environment
 * variables. Credentials are {@link Secret}s (never shown); the host never carries a user:password.
 *
 * <p>Credentials, as MLflow reads them: {@code MLFLOW_TRACKING_TOKEN} (Bearer), else a user:password in the
 * tracking URI or {@code MLFLOW_TRACKING_USERNAME} + {@code MLFLOW_TRACKING_PASSWORD} (Basic); for
 * {@code databricks}, {@code DATABRICKS_TOKEN}. A token wins over a user:password, as in MLflow (the
 * ignored pair gets a warning); a user:password in the URI and different ones in the environment are an
 * error (which one the user meant cannot be known).
 *
 * @param host        server base URL without a trailing slash or user part, e.g. {@code http://mlflow:5000}
 * @param credentials what goes into the Authorization header, if anything
 * @param insecureTls skip TLS verification (MLFLOW_TRACKING_INSECURE_TLS=true)
 * @param databricks  a Databricks workspace
 * @param warnings    what the tracker logs once, at WARN, when it starts (credentials over plain http,
 *                    unverified TLS, ignored settings); never a secret
 */
public record TrackingTarget(String host, Optional<Credentials> credentials, boolean insecureTls, boolean databricks,
                             List<String> warnings) {
    static final String INSECURE_TLS = "MLFLOW_TRACKING_INSECURE_TLS";

    public TrackingTarget {
        warnings = List.copyOf(warnings);
    }

    /**
     * The target for a tracking URI from the config, else from {@code MLFLOW_TRACKING_URI}; empty when
     * neither is set (tracking off).
     *
     * @throws IllegalArgumentException naming the setting, what is wrong and what is allowed (never a secret)
     */
    public static Optional<TrackingTarget> resolve(Optional<String> configUri, Map<String, String> env) {
        Optional<String> uri = configUri.map(String::trim).filter(s -> !s.isEmpty())
                .or(() -> nonBlank(env.get("MLFLOW_TRACKING_URI")));
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        String u = uri.get();
        String source = configUri.map(String::trim).filter(s -> !s.isEmpty()).isPresent() ? "output.mlflow.tracking_uri"
                : "MLFLOW_TRACKING_URI";
        boolean insecure = insecureTls(env);
        List<String> warnings = new ArrayList<>();
        if (u.equals("databricks") || u.startsWith("databricks://")) {
            Optional<String> host = nonBlank(env.get("DATABRICKS_HOST"));
            Optional<String> token = nonBlank(env.get("DATABRICKS_TOKEN"));
            if (host.isEmpty() || token.isEmpty()) {
                throw new IllegalArgumentException(source + " is '" + Redaction.forMessage(u) + "', which needs "
                        + "DATABRICKS_HOST and DATABRICKS_TOKEN in the environment (missing: "
                        + (host.isEmpty() ? "DATABRICKS_HOST" : "DATABRICKS_TOKEN")
                        + "); profiles in ~/.databrickscfg are not read");
            }
            String h = host.get();
            if (!h.startsWith("https://") && !h.startsWith("http://")) {
                h = "https://" + h;
            }
            if (h.substring(h.indexOf("://") + 3).split("[/?#]", 2)[0].contains("@")) {
                throw new IllegalArgumentException("DATABRICKS_HOST has a user part before '@' (not shown); allowed: "
                        + "the workspace URL alone, e.g. https://adb-123.4.azuredatabricks.net, with the token in "
                        + "DATABRICKS_TOKEN");
            }
            String checked = checkedHost(h, "DATABRICKS_HOST");
            Credentials bearer = new Credentials.Bearer(new Secret(token.get()), "DATABRICKS_TOKEN");
            plainHttp(checked, bearer).ifPresent(warnings::add);
            if (insecure) {
                warnings.add(INSECURE_TLS + "=true has no effect with " + source + " '" + u + "': a Databricks "
                        + "workspace's TLS certificate is always checked");
            }
            return Optional.of(new TrackingTarget(checked, Optional.of(bearer), false, true, warnings));
        }
        if (u.startsWith("http://") || u.startsWith("https://")) {
            TrackingUrl url;
            try {
                url = TrackingUrl.parse(u, source);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage() + "; allowed: " + TrackingUrl.ALLOWED, e);
            }
            String host = checkedHost(url.url(), source);
            Optional<Credentials> credentials = credentials(url.credentials(), env, source, warnings);
            credentials.flatMap(c -> plainHttp(host, c)).ifPresent(warnings::add);
            if (insecure) {
                warnings.add(host.startsWith("https://")
                        ? INSECURE_TLS + "=true: the TLS certificate and host name of " + host + " are not checked, so "
                        + "anyone on the network path can pose as the server and read the credentials and results; "
                        + "use it only with a test server"
                        : INSECURE_TLS + "=true has no effect: " + source + " " + host + " is plain http (no TLS)");
            }
            return Optional.of(new TrackingTarget(host, credentials, insecure && host.startsWith("https://"), false,
                    warnings));
        }
        throw new IllegalArgumentException(source + " is '" + Redaction.forMessage(u) + "', which the Java tracking client "
                + "cannot use" + (u.startsWith("file:") || !u.contains(":") ? " (a local file store needs Python MLflow; "
                + "start `mlflow server` and point at it)" : "")
                + "; allowed: http://host:port, https://..., databricks or databricks://profile");
    }

    /** The token, else the URI's or the environment's user and password (the same pair if both are given). */
    private static Optional<Credentials> credentials(Optional<Credentials.Basic> fromUri, Map<String, String> env,
                                                     String source, List<String> warnings) {
        Optional<String> user = nonBlank(env.get("MLFLOW_TRACKING_USERNAME"));
        Optional<String> password = nonBlank(env.get("MLFLOW_TRACKING_PASSWORD"));
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be "
                    + "set together (only " + (user.isPresent() ? "the user name" : "the password") + " is set)");
        }
        Optional<Credentials.Basic> fromEnv = user.map(u -> new Credentials.Basic(u, new Secret(password.get()),
                "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD"));
        if (fromUri.isPresent() && fromEnv.isPresent() && !fromUri.get().sameAs(fromEnv.get())) {
            String differs = fromUri.get().user().equals(fromEnv.get().user()) ? "password" : "user name";
            throw new IllegalArgumentException(source + " has a user:password, and MLFLOW_TRACKING_USERNAME/"
                    + "MLFLOW_TRACKING_PASSWORD give a different " + differs + "; allowed: the credentials in one "
                    + "place (remove the user:password from the URI, or unset the two variables)");
        }
        Optional<Credentials.Basic> basic = fromUri.or(() -> fromEnv);
        Optional<String> token = nonBlank(env.get("MLFLOW_TRACKING_TOKEN"));
        if (token.isPresent()) {
            basic.ifPresent(b -> warnings.add("MLFLOW_TRACKING_TOKEN is set, so the user and password from "
                    + b.source() + " are not sent (a token wins, as in MLflow); unset one of them"));
            return Optional.of(new Credentials.Bearer(new Secret(token.get()), "MLFLOW_TRACKING_TOKEN"));
        }
        return basic.map(b -> b);
    }

    /** A warning when credentials would cross the network unencrypted (a loopback host, e.g. a tunnel, is fine). */
    static Optional<String> plainHttp(String host, Credentials credentials) {
        if (!host.startsWith("http://") || loopback(URI.create(host).getHost())) {
            return Optional.empty();
        }
        return Optional.of("the MLflow credentials from " + credentials.source() + " go to " + host + " over plain "
                + "http, unencrypted: anyone on the network path can read and reuse them; use https:// (or a tunnel "
                + "to localhost)");
    }

    static boolean loopback(String host) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost") || h.matches("127(\\.\\d{1,3}){3}")
                || h.equals("[::1]") || h.equals("::1") || h.equals("[0:0:0:0:0:0:0:1]");
    }

    /** MLflow's boolean rule: true/false/1/0 in any case; blank or unset is false. */
    private static boolean insecureTls(Map<String, String> env) {
        String v = nonBlank(env.get(INSECURE_TLS)).orElse("false").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException(INSECURE_TLS + " is '" + env.get(INSECURE_TLS).trim()
                    + "'; allowed: true, false, 1 or 0 (any case)");
        };
    }

    private static String checkedHost(String url, String source) {
        String host = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI parsed;
        try {
            parsed = new URI(host);
        } catch (URISyntaxException e) {
            // Java's message repeats the whole text, which may hold a password it could not split off: the
            // reason, and the place only with the text shown; no cause, for the same reason.
            String shown = Redaction.forMessage(url);
            throw new IllegalArgumentException(source + " '" + shown + "' is not a valid URL: " + e.getReason()
                    + (shown.equals(url) && e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""));
        }
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException(source + " '" + Redaction.forMessage(url) + "' is not a valid URL: it "
                    + "has no host name");
        }
        return host;
    }

    private static Optional<String> nonBlank(String s) {
        return Optional.ofNullable(s).map(String::trim).filter(v -> !v.isEmpty());
    }
}
