package org.smarttuner.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteUrl;
import org.smarttuner.storage.StorageException;
import org.smarttuner.storage.StudyFileCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Optuna's {@code optuna storage upgrade}. smart-tuner writes one schema revision, Optuna's newest
 * (the one Optuna 3.2 to 5.0 use), and migrates none: on a file already there this is a no-op
 * that says so; a file of another revision is refused with the revision found and the Optuna
 * command that upgrades it. The file is only read.
 */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = "Check that a study file is at Optuna's current schema revision (nothing to upgrade here).")
final class StorageUpgradeCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String url = storage.url();
        Path file = SqliteUrl.parse(url).toAbsolutePath().normalize();
        if (!Files.exists(file)) {
            throw new UsageException("storage upgrade: there is no study file at " + file + " (from " + url
                    + "); nothing to upgrade, and none is created");
        }
        StudyFileCheck.Report r = StudyFileCheck.inspect(file, Duration.ofSeconds(2));
        switch (r.status()) {
            case OK -> spec.commandLine().getErr().println("This storage is up-to-date: " + file
                    + " is at Optuna's schema revision " + r.revision().orElse("?") + ", the newest this tool and "
                    + "Optuna 5.0 know; nothing to upgrade.");
            case NEW -> spec.commandLine().getErr().println("This storage is up-to-date: " + file + " has no tables "
                    + "yet; smart-tuner creates them at Optuna's current schema revision on first use; nothing to "
                    + "upgrade.");
            case WRONG_REVISION -> throw new StorageException("smart-tuner does not migrate study "
                    + "file schemas. " + r.message());
            default -> throw new StorageException(r.message());
        }
        return Main.OK;
    }
}
