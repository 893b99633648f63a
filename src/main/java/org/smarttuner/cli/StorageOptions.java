package org.smarttuner.cli;

import java.util.List;
import org.smarttuner.storage.SqliteStudyStorage;
import picocli.CommandLine.Option;

/**
 * --storage, as in Optuna's CLI, with the other options Optuna's verbs share, so that a script
 * written for {@code optuna} runs unchanged.
 */
final class StorageOptions {
    /** Optuna's --storage-class choices; only the first reads SQLite study files. */
    static final List<String> STORAGE_CLASSES = List.of("RDBStorage", "JournalFileBackend", "JournalRedisBackend",
            "JournalFileStorage", "JournalRedisStorage");

    @Option(names = "--storage", paramLabel = "URL", defaultValue = "${env:OPTUNA_STORAGE}",
            description = "Study file, Optuna style: sqlite:///relative.db or sqlite:////absolute.db (default: "
                    + "$OPTUNA_STORAGE, as Optuna's CLI).")
    String storage;

    @Option(names = "--storage-class", paramLabel = "CLASS",
            description = "As Optuna's; RDBStorage is the only one here (an SQLite study file).")
    String storageClass;

    @Option(names = {"-q", "--quiet"}, description = "As Optuna's: no INFO messages (there are none here).")
    boolean quiet;

    @Option(names = "--debug", description = "As Optuna's: stack traces on errors (the same as --verbose).")
    void debug(boolean on) {
        if (on) {
            Logging.verbose();
        }
    }

    /** The study file's URL, checked: given, sqlite:///, and a storage class that reads it. */
    String url() {
        if (storageClass != null && !storageClass.equals("RDBStorage")) {
            throw new UsageException(STORAGE_CLASSES.contains(storageClass)
                    ? "--storage-class " + storageClass + " is not supported: smart-tuner keeps studies in SQLite "
                    + "study files in Optuna's RDB schema; use RDBStorage (or leave it out) with --storage sqlite:///..."
                    : "--storage-class: '" + storageClass + "' is not one of " + STORAGE_CLASSES.subList(0, 3)
                    + "; only RDBStorage is supported here");
        }
        if (storage == null || storage.isBlank()) {
            throw new UsageException("--storage is required (or set OPTUNA_STORAGE): the study file, e.g. "
                    + "sqlite:///work/study.db");
        }
        if (!storage.startsWith("sqlite:///")) {
            throw new UsageException("--storage: '" + storage + "' is not supported; use sqlite:///relative.db or "
                    + "sqlite:////absolute.db");
        }
        return storage;
    }

    SqliteStudyStorage open() {
        return SqliteStudyStorage.open(url());
    }
}
