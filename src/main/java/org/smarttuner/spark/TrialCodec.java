package org.smarttuner.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.DistributionJson;

/**
 * A trial and its row in the {@code trials} table, both ways, losslessly: a study resumed from
 * Delta has exactly the trials it had. The job's own bookkeeping (checkpoint, completed epochs,
 * executor, GPU, failure reason, MLflow run) rides in the trial's system attributes so the study
 * engine stays the one source of truth.
 */
public final class TrialCodec {
    public static final String CHECKPOINT = "checkpoint";
    public static final String EPOCHS_DONE = "epochs_done";
    public static final String EXECUTOR = "executor";
    public static final String GPU = "gpu";
    /** How the trial's last segment ran: device, libtorch, CUDA and cuDNN, TF32 and cuDNN autotuner. */
    public static final String ENGINE = "engine";
    public static final String REASON = "fail_reason";
    public static final String MLFLOW_RUN = "mlflow_run_id";
    public static final String EVENTS = "events";
    /** The last rung whose artifacts the driver wrote for the trial (see {@link TrialArtifacts}). */
    public static final String RUNG_ARTIFACTS = "rung_artifacts_epoch";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrialCodec() {
    }

    public static TrialRow toRow(String study, FrozenTrial t, Instant now) {
        Map<String, String> params = new LinkedHashMap<>();
        t.params().forEach((k, v) -> params.put(k, String.valueOf(v)));
        ObjectNode dists = JSON.createObjectNode();
        t.distributions().forEach((k, d) -> dists.set(k, readTree(d.toJson())));
        Map<String, Object> intermediate = new LinkedHashMap<>();
        t.intermediateValues().forEach((k, v) -> intermediate.put(String.valueOf(k), finiteOrName(v)));
        Map<String, Object> sys = t.systemAttrs();
        Double duration = t.start().isPresent() && t.complete().isPresent()
                ? Duration.between(t.start().get(), t.complete().get()).toMillis() / 1000.0 : null;
        return new TrialRow(study, t.number(), t.state().name(), params, write(t.internalParams()), dists.toString(),
                t.value().orElse(null), write(intermediate), write(t.userAttrs()), write(sys),
                t.start().map(Timestamp::from).orElse(null), t.complete().map(Timestamp::from).orElse(null),
                duration, t.attempt() + 1, str(sys.get(EXECUTOR)), str(sys.get(GPU)), str(sys.get(REASON)),
                str(sys.get(CHECKPOINT)), str(sys.get(MLFLOW_RUN)), Timestamp.from(now), null);
    }

    public static FrozenTrial fromRow(TrialRow r) {
        Map<String, Double> internal = read(r.paramsJson(), new TypeReference<LinkedHashMap<String, Double>>() { });
        Map<String, Distribution> dists = new LinkedHashMap<>();
        JsonNode d = readTree(r.distributionsJson());
        d.fields().forEachRemaining(e -> dists.put(e.getKey(), DistributionJson.parse(e.getValue().toString())));
        Map<String, Object> rawIv = read(r.intermediateJson(), new TypeReference<LinkedHashMap<String, Object>>() { });
        TreeMap<Integer, Double> iv = new TreeMap<>();
        rawIv.forEach((k, v) -> iv.put(Integer.parseInt(k), toDouble(v)));
        return new FrozenTrial(r.number(), TrialState.valueOf(r.state()), internal, dists,
                Optional.ofNullable(r.value()), iv,
                read(r.userAttrsJson(), new TypeReference<LinkedHashMap<String, Object>>() { }),
                read(r.systemAttrsJson(), new TypeReference<LinkedHashMap<String, Object>>() { }),
                Optional.ofNullable(r.startTime()).map(Timestamp::toInstant),
                Optional.ofNullable(r.endTime()).map(Timestamp::toInstant), Math.max(0, r.attempts() - 1));
    }

    /** Completed epochs recorded for a trial (0 when none). */
    public static int epochsDone(FrozenTrial t) {
        Object v = t.systemAttrs().get(EPOCHS_DONE);
        return v instanceof Number n ? n.intValue() : 0;
    }

    /** Events recorded for a trial so far (the next event's sequence number). */
    public static int events(FrozenTrial t) {
        Object v = t.systemAttrs().get(EVENTS);
        return v instanceof Number n ? n.intValue() : 0;
    }

    public static Optional<String> checkpoint(FrozenTrial t) {
        return Optional.ofNullable(str(t.systemAttrs().get(CHECKPOINT)));
    }

    private static Object finiteOrName(double v) {
        return Double.isFinite(v) ? (Object) v : Double.toString(v);
    }

    private static double toDouble(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return Double.parseDouble(String.valueOf(v));
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + o + " as JSON", e);
        }
    }

    private static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the trials table holds invalid JSON: " + s, e);
        }
    }

    private static <T> T read(String s, TypeReference<T> type) {
        try {
            return JSON.readValue(s == null || s.isEmpty() ? "{}" : s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the trials table holds invalid JSON: " + s, e);
        }
    }
}
