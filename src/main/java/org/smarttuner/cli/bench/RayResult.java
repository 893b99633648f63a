package org.smarttuner.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smarttuner.spark.results.MetricRow;

/**
 * What {@code src/test/python/ray_tune_peer.py} writes for one seed (its {@code result.json}): the Ray
 * Tune study's clock, its trials, and every reported epoch as a {@link MetricRow} (study {@code ray-s<seed>},
 * number = the trial's index in {@code trials}, segment 0), so that {@link ArmRun#time} measures the
 * Ray arm's time to a target exactly as it measures ours.
 *
 * @param start       when {@code Tuner.fit()} was called, after {@code ray.init}: the clock's zero
 * @param initSeconds imports and {@code ray.init} before {@code start}
 * @param end         when {@code fit()} returned
 */
public record RayResult(long seed, String rayVersion, String torchVersion, Instant start, double initSeconds,
        Instant end, List<Trial> trials, List<MetricRow> rows) {

    /** A Ray trial: its id, parameters, final status (TERMINATED, ERROR), epochs trained and whether ASHA stopped it. */
    public record Trial(String id, Map<String, Object> params, String status, int epochs, boolean pruned) {
    }

    /** Python's json writes NaN and Infinity for a diverged loss; they stay values here (never a target). */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> PARAMS =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

    public RayResult {
        trials = List.copyOf(trials);
        rows = List.copyOf(rows);
    }

    /** The study name of seed {@code seed}'s Ray run (and of its folder under --work). */
    public static String study(long seed) {
        return "ray-s" + seed;
    }

    public long prunedTrials() {
        return trials.stream().filter(Trial::pruned).count();
    }

    public ArmRun run(String arm) {
        return new ArmRun(seed, arm, rows, start, trials.size(), prunedTrials());
    }

    /**
     * Reads a result file written for {@code expectedSeed}.
     *
     * @throws IllegalStateException for a missing, unreadable or garbled file, naming it and what is wrong
     */
    public static RayResult read(Path file, long expectedSeed) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("the Ray Tune run wrote no result file " + file);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the Ray Tune result " + file + " is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the Ray Tune result " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(root, expectedSeed);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the Ray Tune result " + file + " " + e.getMessage());
        }
    }

    private static RayResult parse(JsonNode root, long expectedSeed) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("is not a JSON object");
        }
        if (root.hasNonNull("arm") && !root.get("arm").asText().equals("ray-tune")) {
            throw new IllegalArgumentException("is of arm '" + root.get("arm").asText() + "', not ray-tune");
        }
        long seed = (long) number(root, "seed", "");
        if (seed != expectedSeed) {
            throw new IllegalArgumentException("is of seed " + seed + ", not " + expectedSeed);
        }
        Instant start = instant(number(root, "start", ""));
        double init = number(root, "init_seconds", "");
        Instant end = instant(number(root, "end", ""));
        List<Trial> trials = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (JsonNode t : array(root, "trials")) {
            String where = " of trial " + (trials.size() + 1);
            String id = text(t, "trial", where);
            if (index.putIfAbsent(id, trials.size()) != null) {
                throw new IllegalArgumentException("lists trial " + id + " twice");
            }
            Map<String, Object> params = new LinkedHashMap<>();
            if (t.hasNonNull("params")) {
                params.putAll(JSON.convertValue(t.get("params"), PARAMS));
            }
            if (!t.path("pruned").isBoolean()) {
                throw new IllegalArgumentException("has no true/false \"pruned\"" + where + " (" + id + ")");
            }
            trials.add(new Trial(id, params, t.path("status").asText(""), t.path("epochs").asInt(0),
                    t.get("pruned").asBoolean()));
        }
        String study = study(seed);
        List<MetricRow> rows = new ArrayList<>();
        for (JsonNode e : array(root, "epochs")) {
            String where = " of epoch row " + (rows.size() + 1);
            String id = text(e, "trial", where);
            Integer number = index.get(id);
            if (number == null) {
                throw new IllegalArgumentException("reports an epoch" + where + " of trial " + id
                        + ", which is not in \"trials\"");
            }
            // each report is its own segment: one epoch, recorded when the driver received it
            int epoch = (int) number(e, "epoch", where);
            rows.add(new MetricRow(study, number, epoch - 1, epoch, metric(e, "train_loss"),
                    metric(e, "val_loss"), metric(e, "val_mel_loss"), metric(e, "val_gate_loss"),
                    metric(e, "attention_sharpness"), metric(e, "val_mcd"), metric(e, "val_mcd_sl"),
                    metric(e, "val_stop_error"), metric(e, "val_stop_rate"), metric(e, "val_attention"), null, null,
                    number(e, "seconds", where), Timestamp.from(instant(number(e, "ts", where)))));
        }
        return new RayResult(seed, root.path("ray_version").asText("?"), root.path("torch_version").asText("?"),
                start, init, end, trials, rows);
    }

    private static Iterable<JsonNode> array(JsonNode root, String key) {
        JsonNode a = root.get(key);
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("has no \"" + key + "\" list");
        }
        return a;
    }

    private static double number(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new IllegalArgumentException("has no number \"" + key + "\"" + where
                    + (v == null ? "" : " (got " + v + ")"));
        }
        return v.asDouble();
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("has no \"" + key + "\" name" + where);
        }
        return v.asText();
    }

    /** A metric may be null or absent where the epoch did not measure it. */
    private static Double metric(JsonNode e, String key) {
        JsonNode v = e.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("has a \"" + key + "\" that is not a number: " + v);
        }
        return v.asDouble();
    }

    /** Unix seconds with a fraction, to the microsecond. */
    static Instant instant(double unixSeconds) {
        long micros = Math.round(unixSeconds * 1e6);
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
