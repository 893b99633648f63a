package org.smarttuner;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's Python venv with Optuna, for interop tests. Found through system property
 * {@code smarttuner.python} (default {@code ${smarttuner.project.dir}/.venv/bin/python}); a
 * missing venv fails the test with the command that creates it, never skips it.
 */
public final class PythonEnv {
    private PythonEnv() {
    }

    public static Path python() {
        String dir = System.getProperty("smarttuner.project.dir", ".");
        Path p = Path.of(System.getProperty("smarttuner.python", dir + "/.venv/bin/python"));
        if (!Files.isExecutable(p)) {
            fail("Python for the interop tests (Optuna, the Airflow DAG) not found at " + p + ". Create it with: python3 -m venv "
                    + dir + "/.venv && " + dir + "/.venv/bin/pip install optuna (install.sh does this), or set "
                    + "-Dsmarttuner.python=/path/to/python");
        }
        return p;
    }

    public static Path script(String name) {
        String dir = System.getProperty("smarttuner.project.dir", ".");
        return Path.of(dir, "src/test/python", name);
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs a script from src/test/python; fails the test if it does not exit 0 within the timeout. */
    public static String run(String script, long timeoutSeconds, String... args) {
        Result r = runRaw(script, timeoutSeconds, args);
        if (r.exitCode() != 0) {
            fail(script + " exited " + r.exitCode() + "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr());
        }
        return r.stdout();
    }

    public static Result runRaw(String script, long timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(python().toString());
        cmd.add(script(script).toString());
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("py-out", ".txt");
            Path err = Files.createTempFile("py-err", ".txt");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(script + " did not finish within " + timeoutSeconds + " s: " + cmd);
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd, e);
        }
    }
}
