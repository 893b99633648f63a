package org.smarttuner.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.tts.train.Checkpoint;
import org.smarttuner.tts.train.DamagedCheckpointException;

/**
 * Checkpoints on shared storage (any Hadoop file system: local, HDFS, S3, DBFS). Executors copy a
 * trial's checkpoint in before a segment and out after it; the driver deletes the ones no longer
 * needed (a trial's older checkpoints, and all of a pruned or failed trial's).
 */
public final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private Checkpoints() {
    }

    public static String trialDir(String checkpointDir, String study, int number) {
        return checkpointDir + "/" + study + "/trial-" + number;
    }

    /**
     * Copies a checkpoint from shared storage to a local file and checks it there: one that is
     * damaged, or does not read as a checkpoint at all, throws {@link DamagedCheckpointException}
     * naming {@code from}. Other I/O failures (storage unreachable, file gone) are thrown as they are.
     */
    public static void download(String from, Path to, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(from);
        FileSystem fs = src.getFileSystem(conf);
        Files.createDirectories(to.toAbsolutePath().getParent());
        try {
            fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(to.toUri()), true);
        } catch (ChecksumException e) {
            // The file system's own checksum (HDFS blocks after every replica was tried, a local .crc file).
            throw new DamagedCheckpointException(from, "the file system's checksum does not match its contents ("
                    + e.getMessage() + ")", e);
        }
        try {
            Checkpoint.verify(to);
        } catch (DamagedCheckpointException e) {
            throw e.copiedFrom(from);
        } catch (IOException e) {
            // The driver recorded this file as a checkpoint and the copy is here: if it does not read as one
            // (a foreign start, a format this build does not know), copying it again cannot help either.
            throw new DamagedCheckpointException(from, "it does not read as a checkpoint (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Copies a local file to shared storage, replacing what is there: written whole under a
     * temporary name of this task attempt's own, its size checked, then renamed into place. Two
     * attempts of one segment (a retry, a speculative copy, a zombie executor) therefore never
     * write into the same file, and whichever renames last leaves a whole checkpoint.
     */
    public static void upload(Path from, String to, Configuration conf) throws IOException {
        upload(from, to, conf, attempt());
    }

    /** Names this process's uploads apart from other attempts': the Spark task attempt when in a task. */
    static String attempt() {
        TaskContext ctx = TaskContext.get();
        return ctx == null ? "local" : "attempt-" + ctx.taskAttemptId();
    }

    static void upload(Path from, String to, Configuration conf, String attempt) throws IOException {
        org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(to);
        FileSystem fs = dst.getFileSystem(conf);
        long size = Files.size(from);
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dst.getParent(),
                "." + dst.getName() + "." + attempt + "." + UUID.randomUUID() + ".tmp");
        fs.mkdirs(dst.getParent());
        boolean moved = false;
        try {
            fs.copyFromLocalFile(false, false, new org.apache.hadoop.fs.Path(from.toUri()), tmp);
            checkSize(fs, tmp, size, from);
            moveOver(fs, tmp, dst);
            moved = true;
            checkSize(fs, dst, size, from);
        } finally {
            if (!moved) {
                try {
                    fs.delete(tmp, false);
                } catch (IOException e) {
                    LOG.warn("could not delete the unfinished upload {}: {}", tmp, e.getMessage());
                }
            }
        }
    }

    /**
     * Renames {@code tmp} to {@code dst}. A local disk replaces an existing {@code dst} at once; HDFS
     * and S3 refuse, so there the old file is deleted first, and another attempt may rename its
     * own copy in between: hence a few tries. Every file that lands is a whole one.
     */
    private static void moveOver(FileSystem fs, org.apache.hadoop.fs.Path tmp, org.apache.hadoop.fs.Path dst)
            throws IOException {
        if (fs.exists(dst) && fs.getFileStatus(dst).isDirectory()) {
            // A rename onto a folder would move the file into it.
            throw new IOException("cannot replace " + dst + " with a checkpoint: it is a folder");
        }
        for (int i = 0; i < 3; i++) {
            if (fs.rename(tmp, dst)) {
                return;
            }
            fs.delete(dst, false);
        }
        throw new IOException("cannot move " + tmp + " to " + dst);
    }

    private static void checkSize(FileSystem fs, org.apache.hadoop.fs.Path p, long size, Path from)
            throws IOException {
        long len = fs.getFileStatus(p).getLen();
        if (len != size) {
            throw new IOException("uploading " + from + " left " + len + " bytes in " + p + " instead of " + size);
        }
    }

    static void deleteQuietly(org.apache.spark.sql.SparkSession spark, String path) {
        if (path == null) {
            return;
        }
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not delete the old checkpoint {}: {}", path, e.getMessage());
        }
    }

    static void deleteTrialQuietly(org.apache.spark.sql.SparkSession spark, String checkpointDir, String study,
                                   int number) {
        String dir = trialDir(checkpointDir, study, number);
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
            p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not delete the checkpoints of trial {} in {}: {}", number, dir, e.getMessage());
        }
    }
}
