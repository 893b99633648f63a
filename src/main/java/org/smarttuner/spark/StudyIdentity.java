package org.smarttuner.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.config.ConfigError;
import org.smarttuner.config.ConfigException;
import org.smarttuner.config.ConfigPrinter;
import org.smarttuner.config.Source;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.StudyRow;

/**
 * What defines a study, stored with it in Delta's {@code studies} table when it starts, and checked on
 * every rerun: the study metric and direction, the search space, the model, the training settings, and
 * the data's settings and content (a hash of {@code metadata.csv} and of the audio files' names and sizes,
 * not the folder's path, so a moved dataset is the same study and a changed one is not).
 *
 * <p>A rerun that changes any of these would mix two studies' results under one name: it is refused as
 * a configuration error (exit 2) naming every changed key. Everything else may change between runs
 * (n_trials, timeout, max_failures, sampler, pruner, execution, output, MLflow, the report); a changed
 * sampler or pruner is logged, since trials from before were chosen or pruned by the old one.
 */
public final class StudyIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(StudyIdentity.class);
    /** Keys (or key prefixes ending in '.') that define a study. */
    private static final List<String> DEFINING = List.of("study.metric", "study.direction", "search_space.",
            "model.", "training.", "data.");
    /** Within the defining sections, keys that do not define it: the data's place is replaced by its content. */
    private static final List<String> NOT_DEFINING = List.of("data.path");
    /** Compatible changes worth a line in the log. */
    private static final List<String> NOTED = List.of("study.sampler.", "study.pruner.");
    public static final String DATA_CONTENT = "data.content";
    /**
     * The study's own id, made when the study is first recorded and kept in its {@code studies} row: MLflow
     * runs are tied to the study by it, so a new study that reuses a name (another output folder, a study
     * made anew) never takes the runs of the old one.
     */
    public static final String STUDY_ID = "smarttuner.study_id";
    /** Set in the row of a study that got its id after it started (recorded before ids existed). */
    static final String ID_ADDED_LATER = "smarttuner.study_id_added_later";

    /**
     * What {@link #check} found: the study's id, and whether the study is older than its id (its MLflow
     * parent run may carry only its name, so a resume may look for it by name as well).
     */
    public record Opened(String studyId, boolean olderThanId) {
    }

    private StudyIdentity() {
    }

    /**
     * The configuration as dotted keys in file order (study.sampler.type = tpe), lists as their text: what
     * the study's identity is built from, and what MLflow gets as the parent run's params.
     */
    public static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        flatten("", tree, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> out) {
        tree.forEach((k, v) -> {
            String key = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> sub) {
                flatten(key, (Map<String, Object>) sub, out);
            } else if (v != null) {
                out.put(key, v instanceof List<?> l ? l.toString() : v);
            }
        });
    }

    /** The defining keys of {@code config}, with the data's content hash. */
    public static SortedMap<String, String> of(TunerConfig config, Configuration hadoop) {
        SortedMap<String, String> out = new TreeMap<>();
        flatten(ConfigPrinter.toTree(config)).forEach((k, v) -> {
            if (defining(k)) {
                out.put(k, String.valueOf(v));
            }
        });
        out.put(DATA_CONTENT, dataContent(config.data().path(), hadoop));
        return out;
    }

    /**
     * The row {@code check} records in the {@code studies} table: the defining keys, the data's content and
     * the sampler and pruner keys (from {@link ConfigPrinter#toTree}, so no URL's password).
     */
    public static SortedMap<String, String> recorded(TunerConfig config, Configuration hadoop) {
        SortedMap<String, String> out = of(config, hadoop);
        out.putAll(noted(config));
        return out;
    }

    /** Also the sampler and pruner keys: a changed one is allowed but logged. */
    private static SortedMap<String, String> noted(TunerConfig config) {
        SortedMap<String, String> out = new TreeMap<>();
        flatten(ConfigPrinter.toTree(config)).forEach((k, v) -> {
            if (NOTED.stream().anyMatch(k::startsWith)) {
                out.put(k, String.valueOf(v));
            }
        });
        return out;
    }

    static boolean defining(String key) {
        if (NOT_DEFINING.contains(key)) {
            return false;
        }
        return DEFINING.stream().anyMatch(p -> p.endsWith(".") ? key.startsWith(p) : key.equals(p));
    }

    /**
     * SHA-256 over metadata.csv's bytes and the sorted names and sizes of the files under wavs/; "absent"
     * when the folder has no metadata.csv yet (a synthetic corpus not generated).
     */
    public static String dataContent(String path, Configuration hadoop) {
        try {
            Path root = new Path(path.matches("[A-Za-z][A-Za-z0-9+.-]+:.*") ? path : "file://" + java.nio.file.Path
                    .of(path).toAbsolutePath());
            FileSystem fs = root.getFileSystem(hadoop);
            Path meta = new Path(root, "metadata.csv");
            if (!fs.exists(meta)) {
                return "absent";
            }
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            try (InputStream in = fs.open(meta)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0;) {
                    d.update(buf, 0, n);
                }
            }
            Path wavs = new Path(root, "wavs");
            long files = 0;
            if (fs.exists(wavs)) {
                FileStatus[] list = fs.listStatus(wavs);
                Arrays.sort(list, Comparator.comparing(s -> s.getPath().getName()));
                for (FileStatus s : list) {
                    if (s.isFile()) {
                        d.update((s.getPath().getName() + ":" + s.getLen() + "\n").getBytes(StandardCharsets.UTF_8));
                        files++;
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(d.digest()).substring(0, 16) + " (" + files + " audio files)";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the dataset " + path + " to identify the study", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Records the definition of a new study, or checks a rerun's against the recorded one. The caller
     * holds the study's lease.
     *
     * @return the study's id (made now for a new study, or for one recorded before ids)
     * @throws ConfigException naming every changed defining key
     */
    public static Opened check(DeltaResultStore store, TunerConfig config, Configuration hadoop, boolean hasTrials) {
        String name = config.study().name();
        SortedMap<String, String> now = of(config, hadoop);
        SortedMap<String, String> withNoted = recorded(config, hadoop);
        Optional<StudyRow> recorded = store.definition(name);
        if (recorded.isEmpty()) {
            if (hasTrials) {
                LOG.info("Study {}: started before study definitions were recorded; its definition is recorded now and "
                        + "checked on later runs", name);
                withNoted.put(ID_ADDED_LATER, "true");
            }
            String id = newId();
            withNoted.put(STUDY_ID, id);
            store.recordDefinition(new StudyRow(name, withNoted, java.sql.Timestamp.from(Instant.now())));
            return new Opened(id, hasTrials);
        }
        Map<String, String> before = recorded.get().definition();
        List<ConfigError> errors = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            if (!defining(k) && !k.equals(DATA_CONTENT)) {
                continue;
            }
            String was = before.get(k);
            String is = now.get(k);
            if (was != null && was.equals(is)) {
                continue;
            }
            errors.add(new ConfigError(new Source(config.source(), 0, 0), k, "changed since study '" + name + "' started on "
                    + recorded.get().created().toInstant() + ": was " + (was == null ? "not set" : was) + ", now "
                    + (is == null ? "not set" : is) + ". Its results so far were measured with the old value, and "
                    + "mixing them would rank trials unfairly", "the study's own value, or a new study: --set "
                    + "study.name=" + name + "-2 (or another output.delta_path)"));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        for (Map.Entry<String, String> e : noted(config).entrySet()) {
            String was = before.get(e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                LOG.warn("Study {}: {} changed from {} to {} since the study started; earlier trials were sampled or "
                        + "pruned by the old setting", name, e.getKey(), was, e.getValue());
            }
        }
        String id = before.get(STUDY_ID);
        boolean older = id == null || "true".equals(before.get(ID_ADDED_LATER));
        if (id == null) {
            id = newId();
            LOG.info("Study {}: recorded before study ids; its id is {} from now on", name, id);
        }
        withNoted.put(STUDY_ID, id);
        if (older) {
            withNoted.put(ID_ADDED_LATER, "true");
        }
        if (!before.equals(withNoted)) {
            store.recordDefinition(new StudyRow(name, withNoted, recorded.get().created()));
        }
        return new Opened(id, older);
    }

    private static String newId() {
        return java.util.UUID.randomUUID().toString().replace("-", "");
    }
}
