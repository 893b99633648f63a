package org.smarttuner.tracking;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where tracking goes and how to sign in: a tracking server URL and its credentials. Credentials come
 * from the environment only (never from the YAML config), so they cannot end up in params, tags, Delta
 * or the study file.
 *
 * @param host        server base URL without a trailing slash, e.g. {@code http://mlflow:5000}
 * @param token       bearer token (DATABRICKS_TOKEN or MLFLOW_TRACKING_TOKEN)
 * @param username    basic-auth user (MLFLOW_TRACKING_USERNAME)
 * @param password    basic-auth password (MLFLOW_TRACKING_PASSWORD)
 * @param insecureTls skip TLS verification (MLFLOW_TRACKING_INSECURE_TLS=true)
 * @param databricks  a Databricks workspace
 */
public record TrackingTarget(String host, Optional<Secret> token, Optional<String> username,
                             Optional<Secret> password, boolean insecureTls, boolean databricks) {

    /**
     * The target for a tracking URI from the config, else from {@code MLFLOW_TRACKING_URI}; empty when
     * neither is set (tracking off).
     *
     * @throws IllegalArgumentException naming the URI and what is allowed, or the missing variable
     */
    public static Optional<TrackingTarget> resolve(Optional<String> configUri, Map<String, String> env) {
        Optional<String> uri = configUri.map(String::trim).filter(s -> !s.isEmpty())
                .or(() -> Optional.ofNullable(env.get("MLFLOW_TRACKING_URI")).map(String::trim).filter(s -> !s.isEmpty()));
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        String u = uri.get();
        String source = configUri.isPresent() ? "output.mlflow.tracking_uri" : "MLFLOW_TRACKING_URI";
        if (u.equals("databricks") || u.startsWith("databricks://")) {
            String host = env.get("DATABRICKS_HOST");
            String token = env.get("DATABRICKS_TOKEN");
            if (host == null || host.isBlank() || token == null || token.isBlank()) {
                throw new IllegalArgumentException(source + " is '" + u + "', which needs DATABRICKS_HOST and "
                        + "DATABRICKS_TOKEN in the environment (missing: "
                        + (host == null || host.isBlank() ? "DATABRICKS_HOST" : "DATABRICKS_TOKEN")
                        + "); profiles in ~/.databrickscfg are not read");
            }
            host = host.trim();
            if (!host.startsWith("https://") && !host.startsWith("http://")) {
                host = "https://" + host;
            }
            return Optional.of(new TrackingTarget(checkedHost(host, "DATABRICKS_HOST"), Optional.of(new Secret(token.trim())),
                    Optional.empty(), Optional.empty(), false, true));
        }
        if (u.startsWith("http://") || u.startsWith("https://")) {
            Optional<Secret> token = nonBlank(env.get("MLFLOW_TRACKING_TOKEN")).map(Secret::new);
            Optional<String> user = nonBlank(env.get("MLFLOW_TRACKING_USERNAME"));
            Optional<Secret> password = nonBlank(env.get("MLFLOW_TRACKING_PASSWORD")).map(Secret::new);
            if (user.isPresent() != password.isPresent()) {
                throw new IllegalArgumentException("MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be "
                        + "set together (only " + (user.isPresent() ? "the user name" : "the password") + " is set)");
            }
            boolean insecure = "true".equalsIgnoreCase(env.getOrDefault("MLFLOW_TRACKING_INSECURE_TLS", "false").trim());
            return Optional.of(new TrackingTarget(checkedHost(u, source), token, user, password, insecure, false));
        }
        throw new IllegalArgumentException(source + " is '" + u + "', which the Java tracking client cannot use"
                + (u.startsWith("file:") || !u.contains(":") ? " (a local file store needs Python MLflow; start "
                + "`mlflow server` and point at it)" : "")
                + "; allowed: http://host:port, https://..., databricks or databricks://profile");
    }

    private static String checkedHost(String url, String source) {
        String host = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI parsed = URI.create(host);
            if (parsed.getHost() == null) {
                throw new IllegalArgumentException(source + " '" + url + "' has no host name");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " '" + url + "' is not a valid URL: " + e.getMessage(), e);
        }
        return host;
    }

    private static Optional<String> nonBlank(String s) {
        return Optional.ofNullable(s).map(String::trim).filter(v -> !v.isEmpty());
    }
}
