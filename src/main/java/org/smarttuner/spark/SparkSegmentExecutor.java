package org.smarttuner.spark;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>{@link #close()} cancels every job it started that is still running (a study that ends or fails
 * in a shared notebook JVM leaves no jobs behind) and waits a bounded time for its threads.
 */
public final class SparkSegmentExecutor implements AutoCloseable {
    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final SegmentWork work;
    private final ExecutorService threads;
    private final ResourceProfile gpuProfile;
    /** Job groups of the jobs this executor's threads are running, with how many run in each. */
    private final Map<String, Integer> running = new ConcurrentHashMap<>();
    private volatile boolean closed;

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
        running.merge(request.jobGroup(), 1, Integer::sum);
        jsc.setJobGroup(request.jobGroup(), request.description(), true);
        try {
            // registered before this check: close() either sees the group or this thread sees closed
            if (closed) {
                throw new CancellationException("the study's segment executor is closed");
            }
            JavaRDD<SegmentRequest> rdd = jsc.parallelize(List.of(request), 1);
            if (gpuProfile != null) {
                rdd = rdd.withResources(gpuProfile);
            }
            SegmentWork w = work;
            return rdd.map(w::run).collect().get(0);
        } finally {
            jsc.clearJobGroup();
            running.computeIfPresent(request.jobGroup(), (g, k) -> k > 1 ? k - 1 : null);
        }
    }

    /** Cancels every segment of a trial still running (the study stops or the trial is dropped). */
    public void cancel(SegmentRequest request) {
        jsc.cancelJobGroup(request.jobGroup());
    }

    /**
     * Cancels the jobs still running and stops the threads. A job's thread ends as soon as Spark has
     * cancelled its job; a thread that was about to submit one when the first cancel went out is caught
     * by the next, so cancelling repeats until the threads are gone (bounded: then they are interrupted).
     */
    @Override
    public void close() {
        closed = true;
        threads.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            do {
                for (String group : List.copyOf(running.keySet())) {
                    jsc.cancelJobGroup(group);
                }
            } while (!threads.awaitTermination(200, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // a stopped SparkContext has no jobs left to cancel
        }
        threads.shutdownNow();
    }

    public SparkSession spark() {
        return spark;
    }
}
