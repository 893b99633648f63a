package org.smarttuner.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process MLflow tracking server (REST API 2.0) that keeps the rules a real server enforces, for
 * tests of anything that tracks: experiments by name, runs (nested by the {@code mlflow.parentRunId}
 * tag), log-batch limits and duplicate keys refused, a changed param refused with 400
 * INVALID_PARAMETER_VALUE, metric history, and artifacts uploaded with PUT to the proxied
 * {@code mlflow-artifacts:/} store. Faults can be injected: HTTP errors for the next N requests, a
 * required bearer token or user and password (401 without it, as a server with auth answers), or the
 * whole server down (port closed) and back up on the same port. It can also serve https with a given
 * certificate.
 *
 * <p>Use: {@code try (var server = FakeMlflowServer.start()) { ... server.uri() ... }}.
 */
public final class FakeMlflowServer implements AutoCloseable {

    public static final int MAX_METRICS = 1000;
    public static final int MAX_PARAMS = 100;
    public static final int MAX_TAGS = 100;
    public static final int MAX_ENTITIES = 1000;
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;
    public static final int MAX_KEY = 250;
    public static final int MAX_PARAM_VALUE = 6000;
    public static final int MAX_TAG_VALUE = 5000;

    static {
        // Without it the JDK server answers headers and body in two Nagle-delayed writes: ~40 ms a request.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/2.0/mlflow/";
    private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts/";

    /** A metric point as the server stored it. */
    public record Metric(String key, double value, long timestamp, long step) {
    }

    /** A run as the server holds it (a snapshot: later changes do not show). */
    public record Run(String runId, String experimentId, String runName, String status, long startTime,
                      Optional<Long> endTime, String artifactUri, Map<String, String> params,
                      Map<String, String> tags, List<Metric> metrics) {
        public Optional<String> parentRunId() {
            return Optional.ofNullable(tags.get("mlflow.parentRunId"));
        }

        public List<Metric> history(String key) {
            return metrics.stream().filter(m -> m.key().equals(key)).toList();
        }
    }

    /** One request the server answered, for tests that look at what was sent. */
    public record Request(String method, String path, int status, int metrics, int params, int tags) {
    }

    /** A request as it came over the wire: the request line's target, the Host header, the Authorization header. */
    public record Wire(String requestUri, String host, Optional<String> authorization) {
    }

    private final Object lock = new Object();
    private final Map<String, ObjectNode> experimentsById = new LinkedHashMap<>();
    private final Map<String, MutableRun> runs = new LinkedHashMap<>();
    private final Map<String, byte[]> artifacts = new LinkedHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private record Injected(String endpoint, int status, String code) {
    }

    private final List<Injected> injectedFailures = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Optional<String> requiredAuthorization = Optional.empty();
    private final List<Wire> wire = Collections.synchronizedList(new ArrayList<>());
    private final javax.net.ssl.SSLContext tls;
    private volatile String artifactRoot = "mlflow-artifacts:";
    private final java.util.concurrent.Semaphore stalled = new java.util.concurrent.Semaphore(Integer.MAX_VALUE);
    private final int port;
    private HttpServer server;
    private ExecutorService executor;

    private FakeMlflowServer(int port, javax.net.ssl.SSLContext tls) {
        this.port = port;
        this.tls = tls;
    }

    /** Starts a server on 127.0.0.1 and a free port. */
    public static FakeMlflowServer start() throws IOException {
        FakeMlflowServer s = new FakeMlflowServer(0, null);
        s.bind(0);
        return s;
    }

    /** Starts a server that speaks https with the certificate in {@code tls}, on 127.0.0.1 and a free port. */
    public static FakeMlflowServer startHttps(javax.net.ssl.SSLContext tls) throws IOException {
        FakeMlflowServer s = new FakeMlflowServer(0, tls);
        s.bind(0);
        return s;
    }

    /** Makes a server that is down from the start (nothing listens on its port until {@link #up()}). */
    public static FakeMlflowServer startDown() throws IOException {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        return new FakeMlflowServer(port, null);
    }

    private int boundPort = -1;

    private void bind(int wanted) throws IOException {
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", wanted), 50);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", wanted), 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-mlflow");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        boundPort = server.getAddress().getPort();
    }

    /** The tracking URI, e.g. {@code http://127.0.0.1:43123}. */
    public String uri() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + (boundPort > 0 ? boundPort : port);
    }

    /** Closes the port: every request fails to connect until {@link #up()}. Stored data is kept. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /** Listens again on the same port, with the data it had. */
    public synchronized void up() throws IOException {
        if (server == null) {
            int p = boundPort > 0 ? boundPort : port;
            IOException last = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                try {
                    bind(p);
                    return;
                } catch (java.net.BindException e) {
                    last = e;
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException(ie);
                    }
                }
            }
            throw last;
        }
    }

    /** The next {@code count} API requests get HTTP {@code status} (e.g. 503, 429) and change nothing. */
    public void failNext(int count, int status) {
        failNext("", count, status, status == 429 ? "REQUEST_LIMIT_EXCEEDED" : "TEMPORARILY_UNAVAILABLE");
    }

    /**
     * The next {@code count} requests whose path ends with {@code endpoint} (e.g. {@code runs/log-batch})
     * get HTTP {@code status} with MLflow error code {@code code}, and change nothing.
     */
    public void failNext(String endpoint, int count, int status, String code) {
        synchronized (lock) {
            for (int i = 0; i < count; i++) {
                injectedFailures.add(new Injected(endpoint, status, code));
            }
        }
    }

    /** Accepts connections but answers nothing until {@link #resume()}, like a hung server or proxy. */
    public void stall() {
        stalled.drainPermits();
    }

    public void resume() {
        stalled.release(Integer.MAX_VALUE - stalled.availablePermits());
    }

    /**
     * Runs created from now on get artifact URIs under this root instead of the proxied
     * {@code mlflow-artifacts:} store, e.g. a {@code file:///...} folder or {@code s3://bucket}.
     */
    public void artifactRoot(String root) {
        artifactRoot = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    /** Requests without {@code Authorization: Bearer <token>} get 401 from now on. */
    public void requireToken(String token) {
        requiredAuthorization = Optional.of("Bearer " + token);
    }

    /** Requests without {@code Authorization: Basic base64(user:password)} get 401 from now on. */
    public void requireBasic(String user, String password) {
        requiredAuthorization = Optional.of("Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** Every request as it came over the wire, in order. */
    public List<Wire> wire() {
        synchronized (wire) {
            return List.copyOf(wire);
        }
    }

    @Override
    public synchronized void close() {
        resume();
        down();
    }

    // ---- inspection ----------------------------------------------------------------------------

    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    public Map<String, String> experiments() {
        synchronized (lock) {
            Map<String, String> byName = new LinkedHashMap<>();
            experimentsById.forEach((id, e) -> byName.put(e.get("name").asText(), id));
            return Collections.unmodifiableMap(byName);
        }
    }

    public List<Run> runs() {
        synchronized (lock) {
            return runs.values().stream().map(MutableRun::snapshot).toList();
        }
    }

    public Run run(String runId) {
        synchronized (lock) {
            MutableRun r = runs.get(runId);
            if (r == null) {
                throw new IllegalArgumentException("no run " + runId);
            }
            return r.snapshot();
        }
    }

    public List<Run> children(String parentRunId) {
        return runs().stream().filter(r -> r.parentRunId().equals(Optional.of(parentRunId))).toList();
    }

    /** Uploaded artifacts by their path under the artifact root (e.g. {@code 0/<runId>/artifacts/a.png}). */
    public Map<String, byte[]> artifacts() {
        synchronized (lock) {
            return Map.copyOf(artifacts);
        }
    }

    // ---- protocol ------------------------------------------------------------------------------

    private static final class MutableRun {
        final String runId;
        final String experimentId;
        final String runName;
        String status = "RUNNING";
        final long startTime;
        final String artifactRoot;
        Long endTime;
        final Map<String, String> params = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        final List<Metric> metrics = new ArrayList<>();

        MutableRun(String runId, String experimentId, String runName, long startTime, String artifactRoot) {
            this.artifactRoot = artifactRoot;
            this.runId = runId;
            this.experimentId = experimentId;
            this.runName = runName;
            this.startTime = startTime;
        }

        String artifactUri() {
            return artifactRoot + "/" + experimentId + "/" + runId + "/artifacts";
        }

        Run snapshot() {
            return new Run(runId, experimentId, runName, status, startTime, Optional.ofNullable(endTime),
                    artifactUri(), Map.copyOf(params), Map.copyOf(tags), List.copyOf(metrics));
        }
    }

    private static final class ApiError extends Exception {
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        wire.add(new Wire(ex.getRequestURI().toString(), String.valueOf(ex.getRequestHeaders().getFirst("Host")),
                Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization"))));
        int[] counts = new int[3];
        int status;
        String body;
        try {
            stalled.acquireUninterruptibly();
            stalled.release();
            byte[] raw = readAll(ex.getRequestBody());
            Injected injected = null;
            synchronized (lock) {
                for (int i = 0; i < injectedFailures.size(); i++) {
                    if (path.endsWith(injectedFailures.get(i).endpoint())) {
                        injected = injectedFailures.remove(i);
                        break;
                    }
                }
            }
            if (injected != null) {
                throw new ApiError(injected.status(), injected.code(), "injected failure " + injected.status());
            }
            checkAuth(ex);
            JsonNode result;
            synchronized (lock) {
                if (path.startsWith(ARTIFACTS) && method.equals("PUT")) {
                    String rel = URLDecoder.decode(path.substring(ARTIFACTS.length()), StandardCharsets.UTF_8);
                    artifacts.put(rel, raw);
                    result = JSON.createObjectNode();
                } else if (path.startsWith(API)) {
                    if (raw.length > MAX_REQUEST_BYTES) {
                        throw new ApiError(400, "INVALID_PARAMETER_VALUE", "request body of " + raw.length
                                + " bytes exceeds the limit of " + MAX_REQUEST_BYTES);
                    }
                    JsonNode in = method.equals("GET") ? query(ex.getRequestURI())
                            : raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
                    result = api(method, path.substring(API.length()), in, counts);
                } else {
                    throw new ApiError(404, "ENDPOINT_NOT_FOUND", "no endpoint " + method + " " + path);
                }
            }
            status = 200;
            body = JSON.writeValueAsString(result);
        } catch (ApiError e) {
            status = e.status;
            ObjectNode err = JSON.createObjectNode();
            err.put("error_code", e.code);
            err.put("message", e.getMessage());
            body = err.toString();
        } catch (RuntimeException | IOException e) {
            status = 500;
            ObjectNode err = JSON.createObjectNode();
            err.put("error_code", "INTERNAL_ERROR");
            err.put("message", String.valueOf(e));
            body = err.toString();
        }
        synchronized (lock) {
            requests.add(new Request(method, path, status, counts[0], counts[1], counts[2]));
        }
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private void checkAuth(HttpExchange ex) throws ApiError {
        Optional<String> required = requiredAuthorization;
        if (required.isPresent()) {
            String header = ex.getRequestHeaders().getFirst("Authorization");
            if (header == null || !header.equals(required.get())) {
                throw new ApiError(401, "UNAUTHENTICATED", "missing or wrong credentials");
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static JsonNode query(URI uri) {
        ObjectNode node = JSON.createObjectNode();
        String q = uri.getRawQuery();
        if (q != null) {
            for (String part : q.split("&")) {
                int eq = part.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                node.put(k, v);
            }
        }
        return node;
    }

    private JsonNode api(String method, String endpoint, JsonNode in, int[] counts) throws ApiError {
        return switch (method + " " + endpoint) {
            case "POST experiments/create" -> createExperiment(in);
            case "GET experiments/get-by-name" -> experimentByName(text(in, "experiment_name"));
            case "GET experiments/get" -> experimentResponse(experiment(text(in, "experiment_id")));
            case "POST runs/create" -> runResponse(createRun(in));
            case "GET runs/get" -> runResponse(run(in));
            case "POST runs/search" -> search(in);
            case "POST runs/update" -> update(in);
            case "POST runs/log-batch" -> logBatch(in, counts);
            case "POST runs/log-metric" -> {
                counts[0] = 1;
                ObjectNode batch = JSON.createObjectNode();
                batch.put("run_id", run(in).runId);
                batch.putArray("metrics").add(in);
                logBatch(batch, new int[3]);
                yield JSON.createObjectNode();
            }
            case "POST runs/log-parameter" -> {
                counts[1] = 1;
                MutableRun r = run(in);
                logParams(r, List.of(Map.entry(text(in, "key"), text(in, "value"))));
                yield JSON.createObjectNode();
            }
            case "POST runs/set-tag" -> {
                counts[2] = 1;
                MutableRun r = run(in);
                String key = text(in, "key");
                String value = text(in, "value");
                checkKey(key);
                checkLength("tag", key, value, MAX_TAG_VALUE);
                r.tags.put(key, value);
                yield JSON.createObjectNode();
            }
            case "GET metrics/get-history" -> {
                MutableRun r = run(in);
                String key = text(in, "metric_key");
                ArrayNode arr = JSON.createArrayNode();
                r.metrics.stream().filter(m -> m.key().equals(key)).forEach(m -> arr.add(metricJson(m)));
                ObjectNode out = JSON.createObjectNode();
                out.set("metrics", arr);
                yield out;
            }
            default -> throw new ApiError(404, "ENDPOINT_NOT_FOUND", "no endpoint " + method + " " + endpoint);
        };
    }

    private static String text(JsonNode in, String field) throws ApiError {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter '" + field + "'");
        }
        return v.asText();
    }

    private JsonNode createExperiment(JsonNode in) throws ApiError {
        String name = text(in, "name");
        for (ObjectNode e : experimentsById.values()) {
            if (e.get("name").asText().equals(name)) {
                throw new ApiError(400, "RESOURCE_ALREADY_EXISTS", "Experiment '" + name + "' already exists.");
            }
        }
        String id = String.valueOf(experimentsById.size() + 1);
        ObjectNode e = JSON.createObjectNode();
        e.put("experiment_id", id);
        e.put("name", name);
        e.put("artifact_location", "mlflow-artifacts:/" + id);
        e.put("lifecycle_stage", "active");
        experimentsById.put(id, e);
        ObjectNode out = JSON.createObjectNode();
        out.put("experiment_id", id);
        return out;
    }

    private JsonNode experimentByName(String name) throws ApiError {
        for (ObjectNode e : experimentsById.values()) {
            if (e.get("name").asText().equals(name)) {
                return experimentResponse(e);
            }
        }
        throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name '" + name + "'");
    }

    private ObjectNode experiment(String id) throws ApiError {
        ObjectNode e = experimentsById.get(id);
        if (e == null) {
            throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=" + id + " exists");
        }
        return e;
    }

    private static JsonNode experimentResponse(ObjectNode e) {
        ObjectNode out = JSON.createObjectNode();
        out.set("experiment", e.deepCopy());
        return out;
    }

    private MutableRun createRun(JsonNode in) throws ApiError {
        String experimentId = text(in, "experiment_id");
        experiment(experimentId);
        String runId = UUID.nameUUIDFromBytes(("run-" + ids.incrementAndGet()).getBytes(StandardCharsets.UTF_8))
                .toString().replace("-", "");
        String runName = in.path("run_name").asText("");
        MutableRun r = new MutableRun(runId, experimentId, runName, in.path("start_time").asLong(System.currentTimeMillis()),
                artifactRoot);
        for (JsonNode t : in.path("tags")) {
            r.tags.put(text(t, "key"), text(t, "value"));
        }
        if (!runName.isEmpty()) {
            r.tags.put("mlflow.runName", runName);
        }
        runs.put(runId, r);
        return r;
    }

    private MutableRun run(JsonNode in) throws ApiError {
        String id = in.hasNonNull("run_id") ? in.get("run_id").asText() : text(in, "run_uuid");
        MutableRun r = runs.get(id);
        if (r == null) {
            throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", "Run with id=" + id + " not found");
        }
        return r;
    }

    private static ObjectNode runInfo(MutableRun r) {
        ObjectNode info = JSON.createObjectNode();
        info.put("run_id", r.runId);
        info.put("run_uuid", r.runId);
        info.put("experiment_id", r.experimentId);
        info.put("run_name", r.runName);
        info.put("status", r.status);
        info.put("start_time", r.startTime);
        if (r.endTime != null) {
            info.put("end_time", r.endTime);
        }
        info.put("artifact_uri", r.artifactUri());
        info.put("lifecycle_stage", "active");
        return info;
    }

    private static ObjectNode runJson(MutableRun r) {
        ObjectNode run = JSON.createObjectNode();
        run.set("info", runInfo(r));
        ObjectNode data = JSON.createObjectNode();
        ArrayNode params = data.putArray("params");
        r.params.forEach((k, v) -> params.addObject().put("key", k).put("value", v));
        ArrayNode tags = data.putArray("tags");
        r.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        // Like MLflow: the latest point per key (highest step, then latest timestamp).
        Map<String, Metric> latest = new LinkedHashMap<>();
        for (Metric m : r.metrics) {
            latest.merge(m.key(), m, (a, b) -> b.step() > a.step()
                    || (b.step() == a.step() && b.timestamp() >= a.timestamp()) ? b : a);
        }
        ArrayNode metrics = data.putArray("metrics");
        latest.values().forEach(m -> metrics.add(metricJson(m)));
        run.set("data", data);
        return run;
    }

    private static ObjectNode metricJson(Metric m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key", m.key());
        n.put("value", m.value());
        n.put("timestamp", m.timestamp());
        n.put("step", m.step());
        return n;
    }

    private static JsonNode runResponse(MutableRun r) {
        ObjectNode out = JSON.createObjectNode();
        out.set("run", runJson(r));
        return out;
    }

    // Filters in the form the tracker writes: tags.`k` = 'v' [AND ...] (and tags.k = "v").
    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*tags\\.(?:`([^`]+)`|([\\w.]+))\\s*=\\s*(?:'([^']*)'|\"([^\"]*)\")\\s*");

    private JsonNode search(JsonNode in) throws ApiError {
        List<String> experimentIds = new ArrayList<>();
        in.path("experiment_ids").forEach(n -> experimentIds.add(n.asText()));
        Map<String, String> wanted = new LinkedHashMap<>();
        String filter = in.path("filter").asText("");
        if (!filter.isBlank()) {
            for (String clause : filter.split("(?i)\\s+AND\\s+")) {
                Matcher m = CLAUSE.matcher(clause);
                if (!m.matches()) {
                    throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Invalid filter '" + filter + "'");
                }
                wanted.put(m.group(1) != null ? m.group(1) : m.group(2), m.group(3) != null ? m.group(3) : m.group(4));
            }
        }
        ArrayNode out = JSON.createArrayNode();
        for (MutableRun r : runs.values()) {
            if (!experimentIds.contains(r.experimentId)) {
                continue;
            }
            boolean ok = wanted.entrySet().stream().allMatch(w -> w.getValue().equals(r.tags.get(w.getKey())));
            if (ok) {
                out.add(runJson(r));
            }
        }
        ObjectNode res = JSON.createObjectNode();
        res.set("runs", out);
        return res;
    }

    private JsonNode update(JsonNode in) throws ApiError {
        MutableRun r = run(in);
        if (in.hasNonNull("status")) {
            String s = in.get("status").asText();
            if (!List.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED").contains(s)) {
                throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Invalid run status " + s);
            }
            r.status = s;
        }
        if (in.hasNonNull("end_time")) {
            r.endTime = in.get("end_time").asLong();
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("run_info", runInfo(r));
        return out;
    }

    private JsonNode logBatch(JsonNode in, int[] counts) throws ApiError {
        MutableRun r = run(in);
        JsonNode metrics = in.path("metrics");
        JsonNode params = in.path("params");
        JsonNode tags = in.path("tags");
        counts[0] = metrics.size();
        counts[1] = params.size();
        counts[2] = tags.size();
        if (metrics.size() > MAX_METRICS || params.size() > MAX_PARAMS || tags.size() > MAX_TAGS
                || metrics.size() + params.size() + tags.size() > MAX_ENTITIES) {
            throw new ApiError(400, "INVALID_PARAMETER_VALUE", "A batch logging request can contain at most "
                    + MAX_METRICS + " metrics, " + MAX_PARAMS + " params, " + MAX_TAGS + " tags and "
                    + MAX_ENTITIES + " entities in total; got " + metrics.size() + " metrics, " + params.size()
                    + " params, " + tags.size() + " tags");
        }
        List<Map.Entry<String, String>> paramList = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode p : params) {
            String k = text(p, "key");
            if (!seen.add(k)) {
                throw new ApiError(400, "INVALID_PARAMETER_VALUE",
                        "Duplicate parameter keys have been submitted: ['" + k + "']");
            }
            paramList.add(Map.entry(k, text(p, "value")));
        }
        Map<String, String> tagMap = new LinkedHashMap<>();
        for (JsonNode t : tags) {
            String k = text(t, "key");
            checkKey(k);
            String v = text(t, "value");
            checkLength("tag", k, v, MAX_TAG_VALUE);
            if (tagMap.put(k, v) != null) {
                throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Duplicate tag keys have been submitted: ['" + k + "']");
            }
        }
        List<Metric> metricList = new ArrayList<>();
        for (JsonNode m : metrics) {
            String k = text(m, "key");
            checkKey(k);
            metricList.add(new Metric(k, m.path("value").asDouble(), m.path("timestamp").asLong(),
                    m.path("step").asLong(0)));
        }
        // All checks first, so a refused batch changes nothing (as a real store's transaction).
        Map<String, String> before = new LinkedHashMap<>(r.params);
        try {
            logParams(r, paramList);
        } catch (ApiError e) {
            r.params.clear();
            r.params.putAll(before);
            throw e;
        }
        r.tags.putAll(tagMap);
        r.metrics.addAll(metricList);
        return JSON.createObjectNode();
    }

    private static void logParams(MutableRun r, List<Map.Entry<String, String>> params) throws ApiError {
        for (Map.Entry<String, String> p : params) {
            checkKey(p.getKey());
            checkLength("param", p.getKey(), p.getValue(), MAX_PARAM_VALUE);
            String old = r.params.get(p.getKey());
            if (old != null && !old.equals(p.getValue())) {
                throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed. Param with key='"
                        + p.getKey() + "' was already logged with value='" + old + "' for run ID='" + r.runId
                        + "'. Attempted logging new value '" + p.getValue() + "'.");
            }
            r.params.put(p.getKey(), p.getValue());
        }
    }

    private static void checkKey(String key) throws ApiError {
        if (key.isEmpty() || key.length() > MAX_KEY) {
            throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Key '" + key + "' has length " + key.length()
                    + ", which is not between 1 and " + MAX_KEY);
        }
    }

    private static void checkLength(String what, String key, String value, int max) throws ApiError {
        if (value.length() > max) {
            throw new ApiError(400, "INVALID_PARAMETER_VALUE", what + " '" + key + "' has a value of length "
                    + value.length() + ", which exceeds the limit of " + max);
        }
    }
}
