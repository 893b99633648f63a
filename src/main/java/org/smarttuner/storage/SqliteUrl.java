package org.smarttuner.storage;

import java.nio.file.Path;

/** Optuna's storage URL for SQLite: {@code sqlite:///relative/file.db} or {@code sqlite:////absolute/file.db}. */
public final class SqliteUrl {
    private static final String PREFIX = "sqlite:///";

    private SqliteUrl() {
    }

    public static Path parse(String url) {
        if (url == null || !url.startsWith(PREFIX) || url.length() == PREFIX.length()) {
            throw new StorageException("storage URL '" + url + "' is not supported; use sqlite:///relative/path.db "
                    + "or sqlite:////absolute/path.db (as Optuna)");
        }
        String path = url.substring(PREFIX.length());
        int q = path.indexOf('?');
        if (q >= 0) {
            throw new StorageException("storage URL '" + url + "': query options are not supported; give the "
                    + "file path only");
        }
        return Path.of(path);
    }

    public static String of(Path file) {
        return PREFIX + file.toString();
    }
}
