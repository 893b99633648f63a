package org.smarttuner.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tts.data.DatasetPreparer;
import org.smarttuner.tts.data.PrepareReport;
import org.smarttuner.tts.data.PreparedDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** Prepares the configured dataset once so trials find its features cached. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Prepare the configured dataset (the data section): generate the synthetic or espeak",
            "corpus if needed, check every row, compute mel features and store them beside the data",
            "under features/<hash of the audio settings>/ (reused while the settings are unchanged).",
            "Prints one summary line; bad rows are skipped and counted, or refused (data.bad_rows)."})
final class PrepareCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        TunerConfig config = options.load();
        PreparedDataset prepared = DatasetPreparer.prepare(config.data());
        PrepareReport r = prepared.report();
        var out = spec.commandLine().getOut();
        out.println(r.summary());
        for (var bad : r.examples()) {
            out.println("  skipped " + bad.describe());
        }
        out.flush();
        return Main.OK;
    }
}
