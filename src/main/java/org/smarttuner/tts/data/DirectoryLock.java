package org.smarttuner.tts.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises dataset preparation: within the JVM with a lock, across processes (executors of a
 * local cluster sharing a disk) with an OS file lock on {@code .prepare.lock} in the dataset
 * folder. A folder that cannot hold the lock file (read-only shared storage) is prepared
 * without the cross-process lock: nothing is generated there, and cache writes are atomic.
 */
final class DirectoryLock implements AutoCloseable {
    private static final ReentrantLock JVM = new ReentrantLock();

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DirectoryLock acquire(Path dir) {
        JVM.lock();
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(".prepare.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            return new DirectoryLock(ch, ch.lock());
        } catch (IOException | UnsupportedOperationException e) {
            return new DirectoryLock(null, null);
        } catch (RuntimeException | Error e) {
            JVM.unlock();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // releasing fails only if the channel is already closed, which frees the lock too
        } finally {
            JVM.unlock();
        }
    }
}
