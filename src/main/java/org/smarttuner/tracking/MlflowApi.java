package org.smarttuner.tracking;

import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import java.util.function.Supplier;

/**
 * The REST calls the tracker makes, each one try: MLflow's Java client for the tracking API (it
 * retries 429 itself), our own PUT for artifacts (the client's logArtifact needs Python MLflow).
 * Every failure comes out as a {@link SendFailure} that says whether a retry can help. Nothing here
 * logs; the credentials only ever go into request headers.
 */
final class MlflowApi implements AutoCloseable {
    private final TrackingTarget target;
    private final MlflowClient client;
    private final HttpClient http;
    private final Duration requestTimeout;

    MlflowApi(TrackingTarget target, Duration requestTimeout) {
        this.target = target;
        this.requestTimeout = requestTimeout;
        this.client = new MlflowClient(new BasicMlflowHostCreds(target.host(), target.username().orElse(null),
                target.password().map(Secret::reveal).orElse(null), target.token().map(Secret::reveal).orElse(null),
                target.insecureTls()));
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The experiment's id, creating it when no experiment has the name. */
    String experimentId(String name) throws SendFailure {
        Optional<Service.Experiment> found = call("look up experiment '" + name + "'", () -> client.getExperimentByName(name));
        if (found.isEmpty()) {
            try {
                return call("create experiment '" + name + "'", () -> client.createExperiment(name));
            } catch (SendFailure e) {
                if (!e.getMessage().contains("RESOURCE_ALREADY_EXISTS")) {
                    throw e;
                }
                // Another job created it between our two calls.
                found = call("look up experiment '" + name + "'", () -> client.getExperimentByName(name));
                if (found.isEmpty()) {
                    throw e;
                }
            }
        }
        Service.Experiment e = found.get();
        if ("deleted".equals(e.getLifecycleStage())) {
            throw new SendFailure(false, 400, "MLflow experiment '" + name + "' (id " + e.getExperimentId()
                    + ") is deleted: restore it in MLflow or set output.mlflow.experiment to another name", null);
        }
        return e.getExperimentId();
    }

    /** The run with this id; empty when the server has no such run. */
    Optional<RemoteRun> run(String runId) throws SendFailure {
        try {
            return Optional.of(remote(call("get run " + runId, () -> client.getRun(runId))));
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
        List<Service.Run> runs = call("search runs", () -> client.searchRuns(List.of(experimentId), filter.toString(),
                Service.ViewType.ACTIVE_ONLY, 1000).getItems());
        List<RemoteRun> out = new ArrayList<>();
        for (Service.Run r : runs) {
            out.add(remote(r));
        }
        return out;
    }

    RemoteRun createRun(String experimentId, String runName, Map<String, String> tags, long startMs) throws SendFailure {
        Service.CreateRun.Builder req = Service.CreateRun.newBuilder().setExperimentId(experimentId)
                .setRunName(runName).setStartTime(startMs);
        tags.forEach((k, v) -> req.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
        Service.RunInfo info = call("create run '" + runName + "'", () -> client.createRun(req.build()));
        return new RemoteRun(info.getRunId(), info.getExperimentId(), info.getArtifactUri(), info.getStatus().name(),
                Map.of(), Map.copyOf(tags), List.of());
    }

    /** The steps already logged for a metric key. */
    Set<Long> loggedSteps(String runId, String key) throws SendFailure {
        List<Service.Metric> history = call("get metric history of " + key, () -> client.getMetricHistory(runId, key));
        Set<Long> steps = new HashSet<>();
        for (Service.Metric m : history) {
            steps.add(m.getStep());
        }
        return steps;
    }

    void logBatch(String runId, Batch batch) throws SendFailure {
        List<Service.Metric> metrics = new ArrayList<>(batch.metrics().size());
        for (MetricPoint m : batch.metrics()) {
            metrics.add(Service.Metric.newBuilder().setKey(m.key()).setValue(m.value()).setTimestamp(m.timestampMs())
                    .setStep(m.step()).build());
        }
        List<Service.Param> params = new ArrayList<>(batch.params().size());
        batch.params().forEach(p -> params.add(Service.Param.newBuilder().setKey(p.getKey()).setValue(p.getValue()).build()));
        List<Service.RunTag> tags = new ArrayList<>(batch.tags().size());
        batch.tags().forEach(t -> tags.add(Service.RunTag.newBuilder().setKey(t.getKey()).setValue(t.getValue()).build()));
        call("log " + batch.size() + " entries", () -> {
            client.logBatch(runId, metrics, params, tags);
            return null;
        });
    }

    void logParam(String runId, String key, String value) throws SendFailure {
        call("log param " + key, () -> {
            client.logParam(runId, key, value);
            return null;
        });
    }

    void setStatus(String runId, String status, Optional<Long> endMs) throws SendFailure {
        call("set run status " + status, () -> {
            if (endMs.isPresent()) {
                client.setTerminated(runId, Service.RunStatus.valueOf(status), endMs.get());
            } else {
                client.sendPost("runs/update", "{\"run_id\":\"" + runId + "\",\"run_uuid\":\"" + runId
                        + "\",\"status\":\"" + status + "\"}");
            }
            return null;
        });
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
                    + (target.databricks() ? "; Databricks runs keep artifacts on DBFS, which needs Python MLflow" : ""),
                    null);
        }
    }

    private void put(String path, Path file) throws SendFailure {
        StringBuilder url = new StringBuilder(target.host()).append("/api/2.0/mlflow-artifacts/artifacts");
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                url.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.toString())).timeout(requestTimeout)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file));
            authorization().ifPresent(h -> req.header("Authorization", h));
            HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            int status = res.statusCode();
            if (status / 100 != 2) {
                boolean retry = status == 429 || status >= 500;
                throw new SendFailure(retry, status, "upload " + file.getFileName() + " -> HTTP " + status + ": "
                        + abbreviate(res.body()), null);
            }
        } catch (NoSuchFileException e) {
            throw new SendFailure(false, 0, "artifact file " + file + " disappeared before it was uploaded", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendFailure(true, 0, "upload " + file.getFileName() + " interrupted", e);
        } catch (IOException e) {
            throw new SendFailure(true, 0, "upload " + file.getFileName() + ": " + e, e);
        }
    }

    private static void copyLocal(URI root, String relative, Path file) throws SendFailure {
        try {
            Path target = Path.of(root).resolve(relative);
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            throw new SendFailure(false, 0, "copy " + file + " into artifact root " + root + ": " + e, e);
        }
    }

    private Optional<String> authorization() {
        if (target.token().isPresent()) {
            return Optional.of("Bearer " + target.token().get().reveal());
        }
        if (target.username().isPresent() && target.password().isPresent()) {
            String pair = target.username().get() + ":" + target.password().get().reveal();
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    private static String joinPath(String a, String b) {
        String left = a.replaceAll("^/+|/+$", "");
        String right = b.replaceAll("^/+|/+$", "");
        return left.isEmpty() ? right : right.isEmpty() ? left : left + "/" + right;
    }

    private static RemoteRun remote(Service.Run r) {
        Map<String, String> params = new LinkedHashMap<>();
        r.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
        Map<String, String> tags = new LinkedHashMap<>();
        r.getData().getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
        List<String> keys = r.getData().getMetricsList().stream().map(Service.Metric::getKey).distinct().toList();
        Service.RunInfo info = r.getInfo();
        return new RemoteRun(info.getRunId(), info.getExperimentId(), info.getArtifactUri(), info.getStatus().name(),
                Map.copyOf(params), Map.copyOf(tags), keys);
    }

    private static <T> T call(String what, Supplier<T> request) throws SendFailure {
        try {
            return request.get();
        } catch (MlflowHttpException e) {
            int status = e.getStatusCode();
            boolean retry = status == 429 || status >= 500;
            throw new SendFailure(retry, status, what + " -> HTTP " + status + ": " + abbreviate(e.getBodyMessage()), e);
        } catch (MlflowClientException e) {
            // The client wraps I/O failures (refused, reset, timed out) and an interrupted 429 wait.
            Throwable cause = e.getCause();
            boolean retry = cause instanceof IOException || cause instanceof InterruptedException
                    || cause instanceof RuntimeException && cause.getCause() instanceof InterruptedException;
            if (cause instanceof InterruptedIOException || cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new SendFailure(retry, 0, what + ": " + (cause != null ? cause : e), e);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new SendFailure(true, 0, what + " interrupted", e);
            }
            throw new SendFailure(false, 0, what + ": " + e, e);
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }

    @Override
    public void close() {
        client.close();
    }
}
