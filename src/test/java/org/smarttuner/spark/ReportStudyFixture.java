package org.smarttuner.spark;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.TrialState;
import org.smarttuner.tts.data.PreparedDatasets;
import org.smarttuner.tts.train.LoaderBatchSource;
import org.smarttuner.tts.train.SegmentTrainer;
import org.smarttuner.tts.train.TrainingSegment;

/**
 * A finished study for the report and status tests, in real Delta tables and a real SQLite study
 * file: the driver runs with {@link CurveWork} (as for the notebooks test: deterministic curves,
 * the last trial broken, median pruning), then the best trial's checkpoint is replaced by a real
 * Tacotron2 checkpoint (a tiny model trained one epoch on the synthetic corpus, with exactly the
 * settings the configuration gives that trial), so the report can speak with it.
 */
public record ReportStudyFixture(Path dir, Path configFile, TunerConfig config, String study, String delta,
                                 Path sqlite, FrozenTrial best, Path bestCheckpoint) {

    public static ReportStudyFixture create(Path dir) throws Exception {
        String yaml = """
                study: {name: rep, n_trials: 8, max_failures: 3, sampler: {type: random, seed: 3},
                        pruner: {type: median, n_startup_trials: 5}}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                  optimizer: [adam, adamw]
                  p_attention_dropout: {type: float, low: 0.0, high: 0.3}
                data: {corpus: synthetic, path: DIR/data, size: 16, val_fraction: 0.25}
                model: {preset: small, symbols_embedding_dim: 16, encoder_n_convolutions: 1, encoder_embedding_dim: 16,
                        attention_rnn_dim: 32, attention_dim: 16, attention_location_n_filters: 4,
                        attention_location_kernel_size: 7, decoder_rnn_dim: 32, prenet_dim: 16,
                        postnet_embedding_dim: 16, postnet_n_convolutions: 2, n_frames_per_step: 2,
                        max_decoder_steps: 60}
                training: {epochs: 2, batch_size: 4}
                execution: {parallelism: 2, checkpoint_dir: DIR/ck}
                output: {delta_path: DIR/delta, sqlite_path: DIR/study.db, report_path: DIR/job-report.html}
                """.replace("DIR", dir.toAbsolutePath().toString());
        Path file = dir.resolve("rep.yaml");
        Files.writeString(file, yaml);
        TunerConfig config = new ConfigLoader(k -> null, dir).loadText(yaml, file.toString(), List.of(), Map.of());
        Path sqlite = Path.of(config.output().sqlitePath());
        SqliteMirror mirror = new SqliteMirror(sqlite, "rep", StudyFactory.direction(config.study()));
        TuneJob job = new TuneJob(config, SparkTestSession.get(), new CurveWork(List.of(), List.of(7), List.of(), 0),
                List.of(mirror), Clock.systemUTC());
        job.run();
        Study study = job.study();
        FrozenTrial best = study.bestTrial().orElseThrow();
        long complete = study.trials().stream().filter(t -> t.state() == TrialState.COMPLETE).count();
        long pruned = study.trials().stream().filter(t -> t.state() == TrialState.PRUNED).count();
        if (complete < 5 || pruned < 1) {
            throw new IllegalStateException("the fixture study should have >= 5 complete and >= 1 pruned trials: "
                    + complete + " complete, " + pruned + " pruned");
        }
        Path checkpoint = Path.of(TrialCodec.checkpoint(best).orElseThrow());
        Files.delete(checkpoint);
        var data = PreparedDatasets.get(config.data());
        SegmentTrainer.runOrThrow(new TrainingSegment(config.model(best.params()), config.training(best.params()),
                Device.cpu(), 0, 1, Optional.empty(), checkpoint, Optional.empty()),
                LoaderBatchSource.of(data, config.training().batchSize(), config.model().nFramesPerStep()));
        return new ReportStudyFixture(dir, file, config, "rep", config.output().deltaPath(), sqlite, best, checkpoint);
    }
}
