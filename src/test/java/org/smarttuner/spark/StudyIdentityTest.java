package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigException;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.results.DeltaResultStore;

/** A rerun with a changed definition is refused; compatible changes pass (real local Spark and Delta). */
class StudyIdentityTest {
    @TempDir
    Path dir;

    TunerConfig config(String... sets) {
        String yaml = """
                study:
                  name: idn
                  n_trials: 2
                  sampler: {type: random, seed: 3}
                  pruner: {type: none}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                data: {corpus: synthetic, path: data}
                model: {preset: small}
                training: {epochs: 2}
                execution: {parallelism: 1, checkpoint_dir: ck}
                output: {delta_path: delta, sqlite_path: study.db}
                """;
        return new ConfigLoader(k -> null, dir).loadText(yaml, "test.yaml", List.of(sets), Map.of());
    }

    private TuneJob job(TunerConfig c) {
        return new TuneJob(c, SparkTestSession.get(), new CurveWork(List.of(), List.of(), List.of(), 0), List.of(),
                Clock.systemUTC());
    }

    @Test
    void aRerunWithAnotherMetricOrSearchSpaceIsRefusedNamingEveryChangedKeyAndCompatibleChangesPass() {
        job(config()).run();
        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), dir.resolve("delta").toString());
        int events = store.events("idn").size();

        ConfigException e = assertThrows(ConfigException.class, () -> job(config("study.metric=train_loss",
                "search_space.learning_rate.high=0.5", "training.batch_size=4")).run());
        String m = e.getMessage();
        assertEquals(3, e.errors().size(), m);
        assertTrue(m.contains("study.metric: changed since study 'idn' started"), m);
        assertTrue(m.contains("was val_loss, now train_loss"), m);
        assertTrue(m.contains("search_space.learning_rate.high"), m);
        assertTrue(m.contains("training.batch_size"), m);
        assertTrue(m.contains("--set study.name=idn-2"), m);
        assertEquals(events, store.events("idn").size(), "a refused rerun records nothing");

        // more trials, another sampler seed, another parallelism and report: the same study goes on
        StudySummary s = job(config("study.n_trials=3", "study.sampler.seed=9", "execution.parallelism=2")).run();
        assertEquals(3, s.counts().values().stream().mapToLong(Long::longValue).sum());
        // and the refused change as a new study is fine
        job(config("study.name=idn-2", "study.metric=train_loss")).run();
    }

    @Test
    void theDataIsIdentifiedByItsContentNotItsPath() throws Exception {
        Configuration conf = new Configuration();
        Path a = dir.resolve("a");
        Files.createDirectories(a.resolve("wavs"));
        Files.writeString(a.resolve("metadata.csv"), "x1|Hello there.|Hello there.\nx2|Bye.|Bye.\n");
        Files.write(a.resolve("wavs/x1.wav"), new byte[100]);
        Files.write(a.resolve("wavs/x2.wav"), new byte[200]);
        String first = StudyIdentity.dataContent(a.toString(), conf);
        assertTrue(first.startsWith("sha256:") && first.endsWith("(2 audio files)"), first);

        Path moved = dir.resolve("moved");
        Files.move(a, moved);
        assertEquals(first, StudyIdentity.dataContent(moved.toString(), conf), "moving the folder keeps the study");

        Files.write(moved.resolve("wavs/x2.wav"), new byte[201]);
        assertNotEquals(first, StudyIdentity.dataContent(moved.toString(), conf), "a re-recorded clip is other data");
        Files.write(moved.resolve("wavs/x2.wav"), new byte[200]);
        assertEquals(first, StudyIdentity.dataContent(moved.toString(), conf));
        Files.writeString(moved.resolve("metadata.csv"), "x1|Hello there!|Hello there!\nx2|Bye.|Bye.\n");
        assertNotEquals(first, StudyIdentity.dataContent(moved.toString(), conf), "another transcript is other data");
        assertEquals("absent", StudyIdentity.dataContent(dir.resolve("none").toString(), conf));
    }

    @Test
    void definingKeysAreTheMetricSpaceModelTrainingAndDataButNotWhereTheDataLies() {
        assertTrue(StudyIdentity.defining("study.metric"));
        assertTrue(StudyIdentity.defining("study.direction"));
        assertTrue(StudyIdentity.defining("search_space.learning_rate.low"));
        assertTrue(StudyIdentity.defining("model.n_frames_per_step"));
        assertTrue(StudyIdentity.defining("training.free_run_utterances"));
        assertTrue(StudyIdentity.defining("data.max_frames"));
        assertTrue(!StudyIdentity.defining("data.path"));
        assertTrue(!StudyIdentity.defining("study.n_trials"));
        assertTrue(!StudyIdentity.defining("study.timeout"));
        assertTrue(!StudyIdentity.defining("execution.parallelism"));
        assertTrue(!StudyIdentity.defining("output.mlflow.tracking_uri"));
        assertTrue(!StudyIdentity.defining("study.sampler.seed"));
    }
}
