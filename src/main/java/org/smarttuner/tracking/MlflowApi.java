package org.smarttuner.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The MLflow REST calls the tracker makes (API 2.0, JSON as MLflow's protobuf mapping writes it),
 * each one try with timeouts; retrying is the sender's job. Every failure comes out as a
 * {@link SendFailure} that says whether a retry can help. Credentials only go into headers (the
 * host never carries a user:password, see {@link TrackingUrl}); nothing here logs, and failure messages
 * pass through {@link Redaction} in case a server's answer repeats a URL with a password.
 *
 * <p>Why not {@code org.mlflow.tracking.MlflowClient} (2.17.2): its HTTP client has no timeouts (a
 * server that accepts and never answers blocks forever); on 429 it retries without releasing the
 * response, so two 429s exhaust its two pooled connections and the next call waits forever (the
 * tracker's 429 test hung exactly so); it resends every other error, 400s included, three times; and
 * its logArtifact needs Python MLflow. The wire format below is the one it sends.
 */
final class MlflowApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrackingTarget target;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration uploadTimeout;
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    MlflowApi(TrackingTarget target, Duration requestTimeout, Duration uploadTimeout) {
        this.target = target;
        this.requestTimeout = requestTimeout;
        this.uploadTimeout = uploadTimeout;
        // HTTP/1.1: MLflow servers (gunicorn, uvicorn) do not speak h2c, so the upgrade attempt is waste.
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (target.insecureTls()) {
            b.sslContext(InsecureTls.context());
        }
        this.http = b.build();
    }

    /** The experiment's id, creating it when no experiment has the name. */
    String experimentId(String name) throws SendFailure {
        Optional<JsonNode> found = experimentByName(name);
        if (found.isEmpty()) {
            ObjectNode req = JSON.createObjectNode().put("name", name);
            try {
                return post("experiments/create", req, "create experiment '" + name + "'").path("experiment_id").asText();
            } catch (SendFailure e) {
                if (!e.getMessage().contains("RESOURCE_ALREADY_EXISTS")) {
                    throw e;
                }
                // Another job made it between our two calls.
                found = experimentByName(name);
                if (found.isEmpty()) {
                    throw e;
                }
            }
        }
        JsonNode e = found.get();
        if ("deleted".equals(e.path("lifecycle_stage").asText())) {
            throw new SendFailure(false, 400, "MLflow experiment '" + name + "' (id " + e.path("experiment_id").asText()
                    + ") is deleted: restore it in MLflow or set output.mlflow.experiment to another name", null);
        }
        return e.path("experiment_id").asText();
    }

    private Optional<JsonNode> experimentByName(String name) throws SendFailure {
        try {
            return Optional.of(get("experiments/get-by-name?experiment_name=" + enc(name), "look up experiment '" + name
                    + "'").path("experiment"));
        } catch (SendFailure e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The run with this id; empty when the server has no such run. */
    Optional<RemoteRun> run(String runId) throws SendFailure {
        try {
            JsonNode run = get("runs/get?run_id=" + enc(runId), "get run " + runId).path("run");
            // A deleted run takes no data that anyone would see: treat it as gone.
            return "deleted".equals(run.path("info").path("lifecycle_stage").asText()) ? Optional.empty()
                    : Optional.of(remote(run));
        } catch (SendFailure e) {
            if (e.status() == 404 || e.getMessage().contains("RESOURCE_DOES_NOT_EXIST")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Active runs of the experiment whose tags all have the given values. */
    List<RemoteRun> findRuns(String experimentId, Map<String, String> tags) throws SendFailure {
        StringBuilder filter = new StringBuilder();
        tags.forEach((k, v) -> {
            if (filter.length() > 0) {
                filter.append(" AND ");
            }
            filter.append("tags.`").append(k).append("` = '").append(v.replace("'", "\\'")).append('\'');
        });
        ObjectNode req = JSON.createObjectNode();
        req.putArray("experiment_ids").add(experimentId);
        req.put("filter", filter.toString());
        req.put("run_view_type", "ACTIVE_ONLY");
        req.put("max_results", 100);
        List<RemoteRun> out = new ArrayList<>();
        for (JsonNode r : post("runs/search", req, "search runs").path("runs")) {
            out.add(remote(r));
        }
        return out;
    }

    RemoteRun createRun(String experimentId, String runName, Map<String, String> tags, long startMs) throws SendFailure {
        ObjectNode req = JSON.createObjectNode();
        req.put("experiment_id", experimentId);
        req.put("run_name", runName);
        req.put("start_time", startMs);
        keyValues(req.putArray("tags"), tags.entrySet());
        return remote(post("runs/create", req, "create run '" + runName + "'").path("run"));
    }

    /** The steps already logged for a metric key. */
    Set<Long> loggedSteps(String runId, String key) throws SendFailure {
        Set<Long> steps = new HashSet<>();
        String token = "";
        do {
            JsonNode res = get("metrics/get-history?run_id=" + enc(runId) + "&metric_key=" + enc(key)
                    + "&max_results=25000" + (token.isEmpty() ? "" : "&page_token=" + enc(token)),
                    "get metric history of " + key);
            for (JsonNode m : res.path("metrics")) {
                steps.add(m.path("step").asLong(0));
            }
            token = res.path("next_page_token").asText("");
        } while (!token.isEmpty());
        return steps;
    }

    void logBatch(String runId, Batch batch) throws SendFailure {
        ObjectNode req = JSON.createObjectNode();
        req.put("run_id", runId);
        ArrayNode metrics = req.putArray("metrics");
        for (MetricPoint m : batch.metrics()) {
            ObjectNode n = metrics.addObject().put("key", m.key());
            // proto3 JSON: non-finite doubles are the strings "NaN", "Infinity", "-Infinity".
            if (Double.isFinite(m.value())) {
                n.put("value", m.value());
            } else {
                n.put("value", Double.isNaN(m.value()) ? "NaN" : m.value() > 0 ? "Infinity" : "-Infinity");
            }
            n.put("timestamp", m.timestampMs()).put("step", m.step());
        }
        keyValues(req.putArray("params"), batch.params());
        keyValues(req.putArray("tags"), batch.tags());
        post("runs/log-batch", req, "log " + batch.size() + " entries");
    }

    void logParam(String runId, String key, String value) throws SendFailure {
        post("runs/log-parameter", JSON.createObjectNode().put("run_id", runId).put("key", key).put("value", value),
                "log param " + key);
    }

    void setStatus(String runId, String status, Optional<Long> endMs) throws SendFailure {
        ObjectNode req = JSON.createObjectNode().put("run_id", runId).put("status", status);
        endMs.ifPresent(t -> req.put("end_time", t));
        post("runs/update", req, "set run status " + status);
    }

    /**
     * Puts a file into a run's artifacts: through the tracking server's artifact proxy for
     * {@code mlflow-artifacts:} roots, by copying for {@code file:} roots this machine can see.
     */
    void upload(String artifactUri, Path file, String artifactPath) throws SendFailure {
        if (!Files.isRegularFile(file)) {
            throw new SendFailure(false, 0, "artifact file " + file + " does not exist (it must stay until the tracker closes)", null);
        }
        String relative = joinPath(artifactPath, file.getFileName().toString());
        if (artifactUri.startsWith("mlflow-artifacts:")) {
            String rest = artifactUri.substring("mlflow-artifacts:".length());
            if (rest.startsWith("//")) {
                int slash = rest.indexOf('/', 2);
                rest = slash < 0 ? "" : rest.substring(slash);
            }
            put(joinPath(rest, relative), file);
        } else if (artifactUri.startsWith("file:")) {
            copyLocal(URI.create(artifactUri), relative, file);
        } else {
            String scheme = artifactUri.contains(":") ? artifactUri.substring(0, artifactUri.indexOf(':')) : artifactUri;
            throw new SendFailure(false, 0, "artifact store '" + scheme + ":' of this run (" + artifactUri
                    + ") is not supported: start the MLflow server with --serve-artifacts (mlflow-artifacts:/, the "
                    + "default since MLflow 2.0) or use a file: artifact root this machine mounts"
                    + (target.databricks() ? "; Databricks keeps run artifacts on DBFS, which needs Python MLflow" : ""),
                    null);
        }
    }

    private void put(String path, Path file) throws SendFailure {
        StringBuilder url = new StringBuilder(target.host()).append("/api/2.0/mlflow-artifacts/artifacts");
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                url.append('/').append(enc(segment));
            }
        }
        String what = "upload " + file.getFileName();
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.toString())).timeout(uploadTimeout)
                    .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofFile(file));
            send(req, what);
        } catch (java.io.FileNotFoundException e) {
            throw new SendFailure(false, 0, "artifact file " + file + " disappeared before it was uploaded", e);
        }
    }

    private static void copyLocal(URI root, String relative, Path file) throws SendFailure {
        try {
            Path dest = Path.of(root).resolve(relative);
            Files.createDirectories(dest.getParent());
            Files.copy(file, dest, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            throw new SendFailure(false, 0, "copy " + file + " into artifact root " + root + ": " + e, e);
        }
    }

    private JsonNode get(String endpoint, String what) throws SendFailure {
        return send(HttpRequest.newBuilder(api(endpoint)).timeout(requestTimeout).GET(), what);
    }

    private JsonNode post(String endpoint, JsonNode body, String what) throws SendFailure {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new SendFailure(false, 0, what + ": cannot write the request: " + e, e);
        }
        return send(HttpRequest.newBuilder(api(endpoint)).timeout(requestTimeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), what);
    }

    private URI api(String endpoint) {
        return URI.create(target.host() + "/api/2.0/mlflow/" + endpoint);
    }

    /** HTTP requests made so far (answered or not): what a resume costs the server, for the driver benchmark. */
    long requests() {
        return requests.get();
    }

    private JsonNode send(HttpRequest.Builder req, String what) throws SendFailure {
        requests.incrementAndGet();
        authorization().ifPresent(h -> req.header("Authorization", h));
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendFailure(true, 0, what + ": interrupted", e);
        } catch (IOException e) {
            // Refused, reset, timed out, DNS: the server may be back later.
            throw new SendFailure(true, 0, what + ": " + e, e);
        }
        int status = res.statusCode();
        if (status / 100 != 2) {
            boolean retry = status == 429 || status >= 500 || status == 408;
            throw new SendFailure(retry, status, what + " -> HTTP " + status + ": " + abbreviate(res.body()), null);
        }
        String body = res.body();
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            // A proxy's HTML page instead of MLflow's JSON: the request may not have reached MLflow.
            throw new SendFailure(true, status, what + ": the answer is not MLflow JSON: " + abbreviate(body), e);
        }
    }

    private Optional<String> authorization() {
        return target.credentials().map(MlflowApi::header);
    }

    /** The Authorization header for these credentials: the one place a secret is revealed. */
    static String header(Credentials credentials) {
        if (credentials instanceof Credentials.Bearer b) {
            return "Bearer " + b.token().reveal();
        }
        Credentials.Basic basic = (Credentials.Basic) credentials;
        String pair = basic.user() + ":" + basic.password().reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static void keyValues(ArrayNode arr, Iterable<? extends Map.Entry<String, String>> entries) {
        for (Map.Entry<String, String> e : entries) {
            arr.addObject().put("key", e.getKey()).put("value", e.getValue());
        }
    }

    private static String joinPath(String a, String b) {
        String left = a.replaceAll("^/+|/+$", "");
        String right = b.replaceAll("^/+|/+$", "");
        return left.isEmpty() ? right : right.isEmpty() ? left : left + "/" + right;
    }

    private static RemoteRun remote(JsonNode run) {
        JsonNode info = run.path("info");
        Map<String, String> params = new LinkedHashMap<>();
        run.path("data").path("params").forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
        Map<String, String> tags = new LinkedHashMap<>();
        run.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        List<String> keys = new ArrayList<>();
        run.path("data").path("metrics").forEach(m -> {
            if (!keys.contains(m.path("key").asText())) {
                keys.add(m.path("key").asText());
            }
        });
        String id = info.hasNonNull("run_id") ? info.path("run_id").asText() : info.path("run_uuid").asText();
        return new RemoteRun(id, info.path("experiment_id").asText(), info.path("artifact_uri").asText(),
                info.path("status").asText("RUNNING"), Map.copyOf(params), Map.copyOf(tags), List.copyOf(keys));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close on Java 17; its threads are daemons and idle out.
    }
}
