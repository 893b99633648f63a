package org.smarttuner.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.EventRow;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.study.FrozenTrial;

/**
 * Writes the driver's changes to Delta on a thread of its own, then hands them to the mirrors on
 * a second thread. Everything that queued while a commit ran goes into the next one, so under
 * load many segment results share a commit and Delta's per-commit cost does not grow with the
 * number of trials in flight. A Delta write that fails is retried with backoff; if Delta stays
 * unreachable the writer fails and the driver stops the study (what was recorded stays recorded).
 * Mirrors only ever get what Delta has; one that fails or is slow (a study file a dashboard keeps
 * locked, an MLflow server that is down) is retried with its trials' latest state on the next
 * change and never holds up the Delta commits.
 *
 * <p>Each batch carries this writer's id and a version that grows by one per batch and stays the same
 * on retry, so a batch that failed half way (the appends committed, the MERGE not) is applied once per
 * table when it is retried (see {@link DeltaResultStore#write(DeltaResultStore.Batch, String, long)}).
 * The writer thread catches everything, including checked exceptions thrown through Scala code: a
 * writer that dies fails the study with its reason, and {@link #flush()} waits a bounded time.
 */
final class ResultWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultWriter.class);

    /**
     * One change: rows for Delta, trials for the mirrors, and callbacks with the time it was
     * committed to Delta and the time the mirrors were offered it.
     */
    record Change(List<TrialRow> trials, List<EventRow> events, List<MetricRow> metrics,
                  List<FrozenTrial> changed, LongConsumer recorded, LongConsumer mirrored) {
        Change(List<TrialRow> trials, List<EventRow> events, List<MetricRow> metrics, List<FrozenTrial> changed,
                LongConsumer recorded) {
            this(trials, events, metrics, changed, recorded, t -> { });
        }
    }

    /** Where batches go: the Delta tables (tests put a failing one in its place). */
    @FunctionalInterface
    interface Sink {
        void write(DeltaResultStore.Batch batch, String writerId, long version) throws Exception;
    }

    /**
     * Brings the read-side views up to what was recorded (the {@code trials} table's MERGE, compaction where
     * it may run beside the appends): run on a thread of its own after batches are recorded, never on the
     * recording path.
     */
    @FunctionalInterface
    interface Materializer {
        void materialize() throws Exception;
    }

    private final Sink store;
    private final String writerId = "smart-tuner-" + java.util.UUID.randomUUID();
    private final Duration flushBound;
    private long nextVersion;
    private final List<StudyMirror> mirrors;
    private final Duration maxRetry;
    /**
     * Changes waiting for Delta. Bounded: when Delta falls this far behind, {@link #submit} waits, so the
     * driver holds its next segments back instead of piling up an ever longer wait to be recorded. The writer
     * takes everything queued into one batch, so the queue empties at every commit.
     */
    static final int QUEUE_CAPACITY = 1024;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    /**
     * Not bounded, so that a slow mirror never holds a Delta commit up; it grows only while one mirror call is
     * slow (by the changes Delta records meanwhile), since the mirror thread takes everything queued at each round.
     */
    private final LinkedBlockingQueue<Object> mirrorQueue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Thread mirrorThread;
    private final Thread materializerThread;
    private final Materializer materializer;
    /** Batches recorded, and how many of them the views showed at the materializer's last success. */
    private long viewsRequested;
    private long viewsDone;
    private boolean viewsStop;
    /** A flush waits for the views: the next MERGE starts at once rather than after the interval. */
    private boolean viewsUrgent;
    private final Object viewsLock = new Object();
    /**
     * The least time between two starts of the views' MERGE: the trials table follows the record within
     * about this, and a busy driver spends its cores on recording rather than on re-merging every batch.
     */
    static final Duration VIEWS_INTERVAL = Duration.ofSeconds(10);
    private final Duration viewsInterval;
    private final Map<String, Map<Integer, FrozenTrial>> mirrorBacklog = new LinkedHashMap<>();
    private final Map<String, List<MetricRow>> metricBacklog = new LinkedHashMap<>();
    private final Map<String, Integer> behind = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Epoch metric rows kept for a mirror that is behind: a mirror that fails for hours (its server down and
     * its own queue refusing) must not grow the driver's heap; the rows stay in Delta either way.
     */
    static final int MAX_METRIC_BACKLOG = 100_000;
    private final Map<String, Long> droppedMetrics = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile RuntimeException failure;
    /** Set by {@link #abandon()}: nothing more is written or mirrored. */
    private volatile boolean abandoned;
    private long commits;

    ResultWriter(DeltaResultStore store, List<StudyMirror> mirrors, Duration maxRetry) {
        this(store::write, store::materialize, Duration.ZERO, mirrors, maxRetry, maxRetry.plusMinutes(5));
    }

    ResultWriter(Sink store, List<StudyMirror> mirrors, Duration maxRetry, Duration flushBound) {
        this(store, () -> { }, Duration.ZERO, mirrors, maxRetry, flushBound);
    }

    /**
     * @param maxRetry how long a failing batch is retried before the writer gives up
     * @param flushBound how long {@link #flush()} waits before it fails the study
     */
    /**
     * @param viewsInterval the least time between two starts of {@code materializer} (a flush does not wait it)
     */
    ResultWriter(Sink store, Materializer materializer, Duration viewsInterval, List<StudyMirror> mirrors,
                 Duration maxRetry, Duration flushBound) {
        this.store = store;
        this.materializer = materializer;
        this.viewsInterval = viewsInterval;
        this.flushBound = flushBound;
        this.mirrors = List.copyOf(mirrors);
        this.maxRetry = maxRetry;
        for (StudyMirror m : mirrors) {
            mirrorBacklog.put(m.name(), new LinkedHashMap<>());
            metricBacklog.put(m.name(), new ArrayList<>());
        }
        this.thread = new Thread(this::loop, "smart-tuner-results");
        this.thread.setDaemon(true);
        this.mirrorThread = new Thread(this::mirrorLoop, "smart-tuner-mirrors");
        this.mirrorThread.setDaemon(true);
        this.materializerThread = new Thread(this::materializerLoop, "smart-tuner-views");
        this.materializerThread.setDaemon(true);
        this.thread.start();
        this.mirrorThread.start();
        this.materializerThread.start();
    }

    void submit(Change change) {
        checkFailure();
        put(queue, change);
    }

    /** Adds to a bounded queue, waiting while it is full (and saying so once a wait passes a second). */
    private void put(LinkedBlockingQueue<Object> q, Object item) {
        try {
            if (q.offer(item, 1, TimeUnit.SECONDS)) {
                return;
            }
            long start = System.nanoTime();
            LOG.info("the results writer is {} changes behind Delta: the driver waits for it", q.size());
            while (!q.offer(item, 1, TimeUnit.SECONDS)) {
                checkFailure();
                if (!thread.isAlive()) {
                    throw new IllegalStateException("the results writer stopped with " + q.size() + " changes waiting");
                }
            }
            LOG.info("the results writer caught up after {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing results to the writer", e);
        }
    }

    /**
     * Blocks until everything submitted before this call is in Delta and has been offered to the mirrors;
     * fails when the writer has failed, has died, or has not got there within the flush bound.
     */
    void flush() {
        Object marker = new Object();
        put(queue, marker);
        long deadline = System.nanoTime() + flushBound.toNanos();
        synchronized (marker) {
            while (!flushed.containsKey(marker)) {
                checkFailure();
                if (!thread.isAlive() || !mirrorThread.isAlive()) {
                    throw new IllegalStateException("the results writer stopped before it recorded everything ("
                            + queue.size() + " changes waiting)");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("results were not recorded within " + flushBound.toSeconds()
                            + " s (" + queue.size() + " changes waiting for Delta, " + mirrorQueue.size()
                            + " for the mirrors); see the log for the last Delta or mirror error");
                }
                try {
                    marker.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while flushing results", e);
                }
            }
            flushed.remove(marker);
        }
        checkFailure();
        awaitViews(deadline);
    }

    /**
     * Waits (until {@code deadline}) for the views to show every batch recorded so far. Views that stay
     * behind do not fail the study: the record is complete, and the next driver's first batch catches
     * them up; a warning says so.
     */
    private void awaitViews(long deadline) {
        synchronized (viewsLock) {
            long target = viewsRequested;
            viewsUrgent = true;
            viewsLock.notifyAll();
            while (viewsDone < target && materializerThread.isAlive() && System.nanoTime() < deadline) {
                try {
                    viewsLock.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (viewsDone < target) {
                LOG.warn("the trials table is still behind the recorded trial states ({} batches); everything is "
                        + "recorded in trial_states, and the next run of the study brings the table level",
                        target - viewsDone);
            }
        }
    }

    /** True when the views show every batch recorded so far. */
    boolean viewsCurrent() {
        synchronized (viewsLock) {
            return viewsDone >= viewsRequested;
        }
    }

    private void materializerLoop() {
        long delay = 1000;
        long lastStart = System.nanoTime() - viewsInterval.toNanos();
        while (true) {
            long target;
            boolean urgent;
            synchronized (viewsLock) {
                try {
                    while (viewsDone >= viewsRequested && !viewsStop) {
                        viewsLock.wait();
                    }
                    long next;
                    while (!viewsStop && !viewsUrgent && (next = lastStart + viewsInterval.toNanos() - System.nanoTime()) > 0) {
                        viewsLock.wait(Math.max(1, next / 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (viewsDone >= viewsRequested || abandoned) {
                    return; // stopping, and nothing left to do
                }
                target = viewsRequested;
                urgent = viewsUrgent;
                viewsUrgent = false;
            }
            lastStart = System.nanoTime();
            try {
                materializer.materialize();
                synchronized (viewsLock) {
                    viewsDone = Math.max(viewsDone, target);
                    viewsLock.notifyAll();
                }
                delay = 1000;
            } catch (Throwable e) {
                boolean stopping;
                synchronized (viewsLock) {
                    stopping = viewsStop;
                    viewsUrgent |= urgent; // a flush waiting for this run waits for its retry, not the interval
                }
                LOG.warn("the trials table could not be brought up to the recorded states ({}); {}", e.toString(),
                        stopping ? "the next run of the study does it" : "retrying in " + delay + " ms");
                if (stopping || e instanceof Error) {
                    return;
                }
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    return;
                }
                delay = Math.min(delay * 2, 30_000);
            }
        }
    }

    private void stopViews() {
        synchronized (viewsLock) {
            viewsStop = true;
            viewsLock.notifyAll();
        }
    }

    private final Map<Object, Boolean> flushed = new java.util.concurrent.ConcurrentHashMap<>();

    Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    long commits() {
        return commits;
    }

    private void checkFailure() {
        if (failure != null) {
            throw failure;
        }
    }

    private void loop() {
        List<Object> items = new ArrayList<>();
        while (true) {
            try {
                Object first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                items.clear();
                items.add(first);
                queue.drainTo(items);
            } catch (InterruptedException e) {
                mirrorQueue.add(STOP);
                return;
            }
            List<Change> changes = new ArrayList<>();
            for (Object o : items) {
                if (o instanceof Change c) {
                    changes.add(c);
                }
            }
            try {
                if (!changes.isEmpty() && failure == null && !abandoned) {
                    write(changes);
                }
            } catch (Throwable e) {
                // everything: a checked exception thrown through Scala, an Error; the study stops with the reason
                failure = e instanceof RuntimeException r ? r
                        : new IllegalStateException("the results writer failed: " + e, e);
                LOG.error("results can no longer be written to Delta: {}", e.toString());
                if (e instanceof Error) {
                    mirrorQueue.add(STOP);
                    return;
                }
            }
            // The markers of this batch go on even when its write failed: a STOP that came with the failed
            // changes must still end both threads (else close() waited its full bound for them).
            for (Object o : items) {
                if (o instanceof Change) {
                    continue;
                }
                mirrorQueue.add(o); // a flush marker or STOP, after the changes before it
                if (o == STOP) {
                    return;
                }
            }
        }
    }

    private void mirrorLoop() {
        List<Object> items = new ArrayList<>();
        while (true) {
            try {
                items.clear();
                items.add(mirrorQueue.take());
                mirrorQueue.drainTo(items);
                List<Change> changes = new ArrayList<>();
                for (Object o : items) {
                    if (o instanceof Change c) {
                        changes.add(c);
                    }
                }
                // A flush also gives mirrors that are behind another try, with or without new changes.
                try {
                    if (abandoned) {
                        return;
                    }
                    mirror(changes);
                    long now = System.currentTimeMillis();
                    for (Change c : changes) {
                        c.mirrored().accept(now);
                    }
                } catch (Throwable e) {
                    LOG.warn("mirroring failed: {}; the mirrors catch up on the next change", e.toString());
                }
                for (Object o : items) {
                    if (o instanceof Change) {
                        continue;
                    }
                    if (o == STOP) {
                        return;
                    }
                    synchronized (o) {
                        flushed.put(o, Boolean.TRUE);
                        o.notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static final Object STOP = new Object();

    private void write(List<Change> changes) {
        List<TrialRow> trials = new ArrayList<>();
        List<EventRow> events = new ArrayList<>();
        List<MetricRow> metrics = new ArrayList<>();
        for (Change c : changes) {
            trials.addAll(c.trials());
            events.addAll(c.events());
            metrics.addAll(c.metrics());
        }
        DeltaResultStore.Batch batch = new DeltaResultStore.Batch(trials, events, metrics);
        long version = nextVersion++;
        long delay = 500;
        long deadline = System.nanoTime() + maxRetry.toNanos();
        while (true) {
            try {
                store.write(batch, writerId, version);
                commits++;
                break;
            } catch (StudyLease.LostException e) {
                throw e;
            } catch (Exception e) {
                if (System.nanoTime() + delay * 1_000_000 > deadline) {
                    throw new IllegalStateException("writing " + batch.size() + " rows to the Delta tables failed for "
                            + maxRetry.toSeconds() + " s; last error: " + e.getMessage(), e);
                }
                LOG.warn("Delta write failed ({}); retrying in {} ms", e.getMessage(), delay);
                sleep(delay);
                delay = Math.min(delay * 2, 30_000);
            }
        }
        long now = System.currentTimeMillis();
        for (Change c : changes) {
            c.recorded().accept(now);
        }
        mirrorQueue.addAll(changes);
        synchronized (viewsLock) {
            viewsRequested++;
            viewsLock.notifyAll();
        }
    }

    private void mirror(List<Change> changes) {
        for (StudyMirror m : mirrors) {
            Map<Integer, FrozenTrial> backlog = mirrorBacklog.get(m.name());
            List<MetricRow> metrics = metricBacklog.get(m.name());
            for (Change c : changes) {
                c.changed().forEach(t -> backlog.put(t.number(), t));
                if (m.wantsMetrics()) {
                    metrics.addAll(c.metrics());
                }
            }
            if (metrics.size() > MAX_METRIC_BACKLOG) {
                int drop = metrics.size() - MAX_METRIC_BACKLOG;
                metrics.subList(0, drop).clear();
                if (droppedMetrics.merge(m.name(), (long) drop, Long::sum) == drop) {
                    LOG.warn("mirror {} has been behind for {} epochs' metrics: the oldest are no longer kept for it "
                            + "(they stay in the Delta table trial_metrics)", m.name(), MAX_METRIC_BACKLOG);
                }
            }
            if (backlog.isEmpty() && metrics.isEmpty()) {
                continue;
            }
            try {
                m.trialsChanged(List.copyOf(backlog.values()), List.copyOf(metrics));
                backlog.clear();
                metrics.clear();
            } catch (Exception e) {
                LOG.warn("mirror {} is behind ({} trials waiting): {}; it catches up on the next change", m.name(),
                        backlog.size(), e.getMessage());
            }
            behind.put(m.name(), backlog.size());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Trials the mirrors still lack (after a final flush), by mirror. */
    Map<String, Integer> mirrorBacklog() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (StudyMirror m : mirrors) {
            out.put(m.name(), Math.max(behind.getOrDefault(m.name(), 0), m.trialsWaiting()));
        }
        return out;
    }

    /**
     * Stops both threads without writing or mirroring anything more (what a driver that dies leaves;
     * fault tests). Waits a bounded time for them.
     */
    void abandon() {
        abandoned = true;
        if (!queue.offer(STOP)) {
            thread.interrupt(); // the queue is full: stop the writer rather than wait for it
        }
        mirrorQueue.add(STOP);
        stopViews();
        materializerThread.interrupt();
        try {
            thread.join(10_000);
            mirrorThread.join(10_000);
            materializerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!queue.offer(STOP)) {
            thread.interrupt(); // a writer that is stuck or gone: stop it rather than wait on a full queue
        }
        try {
            thread.join(60_000);
            if (thread.isAlive()) {
                mirrorQueue.add(STOP);
            }
            mirrorThread.join(60_000);
            stopViews(); // a last MERGE for what the writer recorded, then the thread ends
            materializerThread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
