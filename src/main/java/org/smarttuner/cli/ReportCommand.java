package org.smarttuner.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.report.StoredStudy;
import org.smarttuner.report.StudyReport;
import org.smarttuner.spark.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes the self-contained HTML report of a study. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a self-contained HTML report of a study (one file, nothing fetched when opened):",
            "best trial, optimisation history, per-epoch curves (pruned trials marked), parameter",
            "importance, parallel coordinates, and the best trial's alignment and a sample WAV",
            "synthesized from its checkpoint. Reads the Delta tables (default) or the SQLite file."})
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Mixin
    StudySourceOptions source;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The HTML file to write.")
    Path output;

    @Option(names = "--text", paramLabel = "TEXT", description = "Sentence the best trial speaks (default: an "
            + "English sentence; a corpus sentence for the synthetic corpus).")
    String text;

    @Option(names = "--griffin-lim-iterations", defaultValue = "32", paramLabel = "N",
            description = "Griffin-Lim iterations for the sample (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        source.check();
        if (iterations < 1) {
            throw new UsageException("--griffin-lim-iterations must be >= 1, got " + iterations);
        }
        checkWritable(output);
        TunerConfig config = options.load();
        long t0 = System.nanoTime();
        StoredStudy study = source.read(config);
        Configuration hadoop = source.session().map(s -> s.sparkContext().hadoopConfiguration())
                .orElseGet(Configuration::new);
        String html = StudyReport.build(config, study, new StudyReport.Options(Optional.ofNullable(text), iterations,
                (from, to) -> Checkpoints.download(from, to, hadoop)), Clock.systemUTC());
        StudyReport.write(html, output);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "report of study %s (%d trials, from %s) written to %s: %d KiB in %.1f s%n",
                study.name(), study.trials().size(), study.source(), output.toAbsolutePath(),
                Files.size(output) / 1024, (System.nanoTime() - t0) / 1e9);
        out.flush();
        return Main.OK;
    }

    /** Fails before any work when the report could not be written (folder is a file, or not writable). */
    static void checkWritable(Path output) {
        Path abs = output.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new UsageException("--output " + output + " is a folder; give a file name such as "
                    + abs.resolve("report.html"));
        }
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UsageException("cannot write the report to " + output + ": " + dir + " is not a folder");
        }
        if (!Files.isWritable(dir)) {
            throw new UsageException("cannot write the report to " + output + ": folder " + dir + " is not writable");
        }
    }
}
