package org.smarttuner.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /** Copies a checkpoint from shared storage to a local file. */
    public static void download(String from, Path to, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(from);
        FileSystem fs = src.getFileSystem(conf);
        Files.createDirectories(to.getParent());
        fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(to.toUri()), true);
    }

    /** Copies a local checkpoint to shared storage, replacing what is there (written whole, then renamed). */
    public static void upload(Path from, String to, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(to);
        FileSystem fs = dst.getFileSystem(conf);
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dst.getParent(), "." + dst.getName() + ".tmp");
        fs.mkdirs(dst.getParent());
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(from.toUri()), tmp);
        fs.delete(dst, false);
        if (!fs.rename(tmp, dst)) {
            throw new IOException("cannot move " + tmp + " to " + dst);
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
