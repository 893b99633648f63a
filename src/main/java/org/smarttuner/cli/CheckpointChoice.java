package org.smarttuner.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.report.StoredStudy;
import org.smarttuner.report.StudyReport;
import org.smarttuner.spark.TrialCodec;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.train.Checkpoint;

/**
 * Which checkpoint {@code synthesize} speaks with, and with which model settings: a file with the
 * configuration's settings, or a study trial's recorded checkpoint with that trial's settings.
 * Every way of pointing at nothing (no such trial, no checkpoint recorded, a file that is gone, a
 * file trained with other settings) is a {@link UsageException} that says which and what to do.
 *
 * @param location   where the checkpoint is, as given or as the study recorded it (for messages and
 *                   synthesis.json)
 * @param local      the file on this machine (a copy when the study keeps it on shared storage)
 * @param study      the study's name when the checkpoint is a trial's
 * @param trial      that trial
 * @param temporary  whether {@code local} is a copy to delete when done
 */
record CheckpointChoice(String location, Path local, ModelSettings model, Optional<String> study,
                        Optional<FrozenTrial> trial, boolean temporary) {

    /** Copies a checkpoint kept on a non-local file system (HDFS, S3, DBFS) to a local file. */
    @FunctionalInterface
    interface Fetcher {
        void fetch(String location, Path localFile) throws IOException;
    }

    String describe() {
        return trial.map(t -> "trial #" + t.number() + " of study " + study.orElseThrow() + " (checkpoint "
                + location + ")").orElse("checkpoint " + location);
    }

    /** The --trial / --checkpoint / study-source options of a command that takes one checkpoint. */
    static void checkOptions(Path checkpoint, Integer trial, StudySourceOptions source, String purpose) {
        source.check();
        if (trial != null && checkpoint != null) {
            throw new UsageException("give either --trial or --checkpoint, not both: --trial takes a study trial's "
                    + "checkpoint and model settings, --checkpoint a file with the configuration's");
        }
        if (checkpoint != null && (source.delta != null || source.sqlite != null || source.study != null)) {
            throw new UsageException("--checkpoint names the file to " + purpose + "; --delta, --sqlite and --study "
                    + "choose a study's trial and cannot go with it");
        }
        if (trial != null && trial < 0) {
            throw new UsageException("--trial must be a trial number (0 or more), got " + trial);
        }
    }

    /** {@code --checkpoint PATH}, else {@code --trial N} of the study, else the study's best trial. */
    static CheckpointChoice choose(Path checkpoint, Integer trial, StudySourceOptions source, TunerConfig config)
            throws IOException {
        if (checkpoint != null) {
            return file(checkpoint, config);
        }
        var study = source.read(config);
        org.apache.hadoop.conf.Configuration hadoop = source.session().map(s -> s.sparkContext().hadoopConfiguration())
                .orElseGet(org.apache.hadoop.conf.Configuration::new);
        return trial(study, Optional.ofNullable(trial), config,
                (from, to) -> org.smarttuner.spark.Checkpoints.download(from, to, hadoop));
    }

    /** {@code --checkpoint PATH}: that file, with the configuration's model settings. */
    static CheckpointChoice file(Path file, TunerConfig config) {
        if (!Files.exists(file)) {
            throw new UsageException("--checkpoint " + file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--checkpoint " + file + " is not a file (give the .ckpt file a trial or "
                    + "`smart-tuner train` wrote, e.g. work/train/model.ckpt)");
        }
        // absolute, so that synthesis.json says where it is wherever the folder is read
        return new CheckpointChoice(file.toAbsolutePath().normalize().toString(), file, config.model(),
                Optional.empty(), Optional.empty(), false);
    }

    /**
     * A trial of the study: {@code number}, or without it the best completed trial by the study's
     * direction (the stored one, else the configuration's).
     */
    static CheckpointChoice trial(StoredStudy study, Optional<Integer> number, TunerConfig config, Fetcher fetcher)
            throws IOException {
        FrozenTrial t = number.isPresent() ? numbered(study, number.get()) : best(study, config);
        String what = "trial #" + t.number() + " (" + t.state().name() + ") of study " + study.name();
        String location = TrialCodec.checkpoint(t).orElseThrow(() -> new UsageException(what + " has no checkpoint "
                + "recorded: it ended before its first segment did" + (number.isPresent() ? "; pick a trial with one "
                + "(`smart-tuner status` or the report lists them), or leave --trial out for the best" : "")));
        ModelSettings model = config.model(t.params());
        Optional<Path> local = StudyReport.localPath(location);
        if (local.isPresent()) {
            if (!Files.isRegularFile(local.get())) {
                throw new UsageException(what + " recorded the checkpoint " + location + ", but no such file is there"
                        + (t.state() == TrialState.PRUNED || t.state() == TrialState.FAIL
                        ? " (the job deletes the checkpoints of failed trials, and of pruned ones but the one that trained "
                        + "longest, which it keeps for the report)"
                        : " (deleted or moved since; run this where the study's checkpoint_dir is mounted)"));
            }
            return new CheckpointChoice(location, local.get(), model, Optional.of(study.name()), Optional.of(t), false);
        }
        Path tmp = Files.createTempFile("smart-tuner-synthesize", ".ckpt");
        try {
            fetcher.fetch(location, tmp);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new UsageException(what + " recorded the checkpoint " + location + ", but it could not be copied "
                    + "here: " + e.getMessage());
        }
        return new CheckpointChoice(location, tmp, model, Optional.of(study.name()), Optional.of(t), true);
    }

    /**
     * Refuses a checkpoint that cannot be read or was trained with other model settings than the ones
     * it would be built with here (the weights would not fit, or would mean something else).
     */
    void checkModelSettings() {
        String trained;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            trained = Checkpoint.read(local, m).modelSettings();
        } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot read the checkpoint " + location + ": " + e.getMessage());
        }
        if (trained.equals(model.toString())) {
            return;
        }
        String given = trial.isPresent() ? "the configuration gives trial #" + trial.get().number()
                : "the configuration gives";
        String hint = trial.isPresent() ? "pass the study's own configuration with -c"
                : "pass the configuration it was trained with (-c FILE, or --set model.KEY=VALUE), or take a study "
                + "trial's settings with --trial N";
        Map<String, String[]> diff = differences(trained, model.toString());
        if (diff.isEmpty()) {
            throw new UsageException("the checkpoint " + location + " was trained with other model settings than "
                    + given + " (" + hint + ")\n  checkpoint:    " + trained + "\n  configuration: " + model);
        }
        String list = diff.entrySet().stream().map(e -> "model." + e.getKey() + ": " + e.getValue()[0]
                + " in the checkpoint, " + e.getValue()[1] + " here").collect(Collectors.joining("\n  "));
        throw new UsageException("the checkpoint " + location + " was trained with other model settings than " + given
                + " (" + hint + "):\n  " + list);
    }

    /** The settings that differ, by their configuration names; empty when either string is not a record's. */
    static Map<String, String[]> differences(String trained, String configured) {
        Map<String, String> a = fields(trained);
        Map<String, String> b = fields(configured);
        Map<String, String[]> out = new LinkedHashMap<>();
        if (a.isEmpty() || !a.keySet().equals(b.keySet())) {
            return out;
        }
        a.forEach((k, v) -> {
            if (!v.equals(b.get(k))) {
                out.put(k, new String[] {v, b.get(k)});
            }
        });
        return out;
    }

    /** "ModelSettings[preset=small, nFramesPerStep=2]" as {preset: small, n_frames_per_step: 2}. */
    private static Map<String, String> fields(String record) {
        int open = record.indexOf('[');
        Map<String, String> out = new LinkedHashMap<>();
        if (open < 0 || !record.endsWith("]")) {
            return out;
        }
        for (String part : record.substring(open + 1, record.length() - 1).split(", ")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return new LinkedHashMap<>();
            }
            out.put(part.substring(0, eq).replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT),
                    part.substring(eq + 1));
        }
        return out;
    }

    private static FrozenTrial numbered(StoredStudy study, int number) {
        for (FrozenTrial t : study.trials()) {
            if (t.number() == number) {
                return t;
            }
        }
        throw new UsageException("--trial " + number + ": study " + study.name() + " (" + study.source()
                + ") has no such trial; its trials: " + numbers(study.trials()));
    }

    private static FrozenTrial best(StoredStudy study, TunerConfig config) {
        StudyDirection direction = study.direction().orElse(StudyFactory.direction(config.study()));
        FrozenTrial b = null;
        for (FrozenTrial t : study.trials()) {
            if (t.state() == TrialState.COMPLETE && (b == null || direction.better(t.value().get(), b.value().get()))) {
                b = t;
            }
        }
        if (b == null) {
            Map<TrialState, Long> states = study.trials().stream().collect(Collectors.groupingBy(FrozenTrial::state,
                    () -> new java.util.EnumMap<>(TrialState.class), Collectors.counting()));
            throw new UsageException("study " + study.name() + " (" + study.source() + ") has no completed trial, so "
                    + "there is no best one to speak (" + (states.isEmpty() ? "no trials" : states.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "))) + "); give --trial N or --checkpoint PATH");
        }
        return b;
    }

    /** Trial numbers as ranges: "0-7, 9". */
    static String numbers(List<FrozenTrial> trials) {
        List<Integer> n = trials.stream().map(FrozenTrial::number).sorted().toList();
        if (n.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        int from = n.get(0);
        int prev = from;
        for (int i = 1; i <= n.size(); i++) {
            if (i < n.size() && n.get(i) == prev + 1) {
                prev = n.get(i);
                continue;
            }
            parts.add(from == prev ? String.valueOf(from) : from + "-" + prev);
            if (i < n.size()) {
                from = n.get(i);
                prev = from;
            }
        }
        return String.join(", ", parts);
    }
}
