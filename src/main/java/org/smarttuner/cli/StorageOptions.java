package org.smarttuner.cli;

import org.smarttuner.storage.SqliteStudyStorage;
import picocli.CommandLine.Option;

/** --storage and --study-name, as in Optuna's CLI. */
final class StorageOptions {
    @Option(names = "--storage", paramLabel = "URL", defaultValue = "${env:OPTUNA_STORAGE}",
            description = "Study file, Optuna style: sqlite:///relative.db or sqlite:////absolute.db (default: "
                    + "$OPTUNA_STORAGE, as Optuna's CLI).")
    String storage;

    @Option(names = "--study-name", required = true, paramLabel = "NAME", description = "The study's name.")
    String studyName;

    SqliteStudyStorage open() {
        if (storage == null || storage.isBlank()) {
            throw new UsageException("--storage is required (or set OPTUNA_STORAGE): the study file, e.g. "
                    + "sqlite:///work/study.db");
        }
        if (!storage.startsWith("sqlite:///")) {
            throw new UsageException("--storage: '" + storage + "' is not supported; use sqlite:///relative.db or "
                    + "sqlite:////absolute.db");
        }
        return SqliteStudyStorage.open(storage);
    }
}
