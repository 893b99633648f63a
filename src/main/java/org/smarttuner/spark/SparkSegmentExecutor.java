package org.smarttuner.spark;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.SparkSession;

/**
 * Runs each segment as its own Spark job of one task, from a driver thread of its own, so that
 * {@code parallelism} segments are in flight at once and a slot is refilled the moment one
 * finishes. A task that asks for GPUs gets them through Spark's resource scheduling
 * ({@code spark.task.resource.gpu.amount} when set, else a task resource profile).
 */
public final class SparkSegmentExecutor implements AutoCloseable {
    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final SegmentWork work;
    private final ExecutorService threads;
    private final ResourceProfile gpuProfile;

    public SparkSegmentExecutor(SparkSession spark, SegmentWork work, int parallelism, int gpusPerTrial) {
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.work = work;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "smart-tuner-segment-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.threads = Executors.newFixedThreadPool(parallelism, tf);
        this.gpuProfile = gpusPerTrial > 0 && !spark.sparkContext().getConf().contains("spark.task.resource.gpu.amount")
                ? new ResourceProfileBuilder().require(new TaskResourceRequests().resource("gpu", gpusPerTrial)).build()
                : null;
    }

    public CompletableFuture<SegmentOutcome> submit(SegmentRequest request) {
        return CompletableFuture.supplyAsync(() -> runJob(request), threads);
    }

    private SegmentOutcome runJob(SegmentRequest request) {
        jsc.setJobGroup(request.jobGroup(), request.description(), true);
        try {
            JavaRDD<SegmentRequest> rdd = jsc.parallelize(List.of(request), 1);
            if (gpuProfile != null) {
                rdd = rdd.withResources(gpuProfile);
            }
            SegmentWork w = work;
            return rdd.map(w::run).collect().get(0);
        } finally {
            jsc.clearJobGroup();
        }
    }

    /** Cancels every segment of a trial still running (the study stops or the trial is dropped). */
    public void cancel(SegmentRequest request) {
        jsc.cancelJobGroup(request.jobGroup());
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    public SparkSession spark() {
        return spark;
    }
}
