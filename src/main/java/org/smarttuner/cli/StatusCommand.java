package org.smarttuner.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.smarttuner.config.ConfigReader;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.report.StatusFormat;
import org.smarttuner.report.StoredStudy;
import org.smarttuner.report.StudyStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints a study's progress and health from its stores, with an exit code a scheduler can act on. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Print a running or finished study's progress from its stores: trials by state, best",
            "so far, running trials (executor, GPU, how long), stale ones, the last recorded event.",
            "Exit codes: 0 finished, or running and healthy; 3 running with stale trials;",
            "4 stopped on failures (the last max_failures finished trials failed);",
            "2 usage or configuration error (unknown study, missing store); 1 runtime error."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:finished, or running and healthy", "3:running, with stale trials",
            "4:stopped on failures", "2:usage or configuration error", "1:runtime error"})
final class StatusCommand implements Callable<Integer> {
    public static final int STALE = 3;
    public static final int FAILED = 4;

    enum Format { text, json }

    @Mixin
    ConfigOptions options;

    @Mixin
    StudySourceOptions source;

    @Option(names = "--stale-after", defaultValue = "1h", paramLabel = "DURATION",
            description = "A running trial with nothing recorded for longer is stale: 90s, 30m, 2h (default: "
                    + "${DEFAULT-VALUE}; the store records a trial when a segment ends, so keep it above your "
                    + "longest segment).")
    String staleAfter;

    @Option(names = {"-f", "--format"}, defaultValue = "text", description = "text or json (default: "
            + "${DEFAULT-VALUE}).")
    Format format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    StatusCommand() {
        this(Clock.systemUTC());
    }

    StatusCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        source.check();
        Duration grace = ConfigReader.parseDuration(staleAfter).filter(d -> !d.isNegative() && !d.isZero())
                .orElseThrow(() -> new UsageException("--stale-after: '" + staleAfter + "' is not a positive "
                        + "duration (allowed: 90s, 30m, 2h, 1h30m)"));
        TunerConfig config = options.load();
        StoredStudy study = source.read(config);
        StudyStatus s = StudyStatus.of(study, study.direction().orElse(StudyFactory.direction(config.study())), grace,
                config.study().maxFailures(), clock.instant());
        int code = switch (s.phase()) {
            case RUNNING, FINISHED -> Main.OK;
            case STALE -> STALE;
            case FAILED -> FAILED;
        };
        PrintWriter out = spec.commandLine().getOut();
        String metric = config.study().metric();
        out.print(format == Format.json ? StatusFormat.json(s, metric, code) + "\n" : StatusFormat.text(s, metric));
        out.flush();
        return code;
    }
}
