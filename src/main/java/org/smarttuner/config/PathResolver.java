package org.smarttuner.config;

import java.nio.file.Path;

/**
 * Resolves relative local paths against the working folder; URIs with a scheme (hdfs:, s3a:,
 * dbfs:, file:) are Hadoop paths and are left as written.
 */
public record PathResolver(Path workDir) {

    public String resolve(String path) {
        if (path == null || path.isEmpty() || hasScheme(path)) {
            return path;
        }
        Path p = Path.of(path);
        return (p.isAbsolute() ? p : workDir.resolve(p)).normalize().toString();
    }

    public boolean isLocal(String path) {
        return !hasScheme(path) || path.startsWith("file:");
    }

    static boolean hasScheme(String path) {
        return path.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
    }
}
