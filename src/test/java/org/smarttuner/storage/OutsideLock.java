package org.smarttuner.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.smarttuner.PythonEnv;

/**
 * Another OS process (Python's sqlite3) holding a lock on a study file until {@link #release()}:
 * {@code immediate} is an open write transaction, {@code exclusive} in a rollback-journal file
 * also keeps readers out.
 */
public final class OutsideLock implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;

    private OutsideLock(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    public static OutsideLock hold(Path file, String kind) throws Exception {
        Process p = new ProcessBuilder(PythonEnv.python().toString(), PythonEnv.script("hold_lock_until.py").toString(),
                file.toString(), kind).redirectErrorStream(true).start();
        OutsideLock lock = new OutsideLock(p);
        assertEquals("locked", lock.out.readLine(), "the lock holder did not take the lock");
        return lock;
    }

    public long pid() {
        return process.pid();
    }

    public void release() throws Exception {
        if (!process.isAlive()) {
            return;
        }
        OutputStream in = process.getOutputStream();
        in.write('\n');
        in.flush();
        assertEquals("released", out.readLine());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the lock holder did not exit");
        assertEquals(0, process.exitValue());
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
