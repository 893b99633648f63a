package org.smarttuner.cli;

import org.smarttuner.storage.SqliteStudyStorage;
import picocli.CommandLine.Option;

/** --storage and --study-name, as in Optuna's CLI. */
final class StorageOptions {
    @Option(names = "--storage", required = true, paramLabel = "URL",
            description = "Study file, Optuna style: sqlite:///relative.db or sqlite:////absolute.db.")
    String storage;

    @Option(names = "--study-name", required = true, paramLabel = "NAME", description = "The study's name.")
    String studyName;

    SqliteStudyStorage open() {
        if (!storage.startsWith("sqlite:///")) {
            throw new UsageException("--storage: '" + storage + "' is not supported; use sqlite:///relative.db or "
                    + "sqlite:////absolute.db");
        }
        return SqliteStudyStorage.open(storage);
    }
}
