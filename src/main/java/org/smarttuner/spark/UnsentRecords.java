package org.smarttuner.spark;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.ResultTables;
import org.smarttuner.spark.results.UnsentRow;
import org.smarttuner.tracking.UnsentItem;

/**
 * The {@code tracking_unsent} Delta table as the MLflow mirror uses it: what did not fit the tracker's
 * queue is appended while the study runs ({@link #add}, batched by a thread of its own: a driver killed
 * with SIGKILL loses at most the last {@link #every} of it), what an earlier run could not send is read
 * back to be sent again ({@link #pending}), and at the end one commit removes what was sent again and adds
 * what is still unsent ({@link #settle}), so a kill at any point leaves every item in the table (at worst
 * twice; MLflow takes a metric step, param or artifact again without harm).
 */
public final class UnsentRecords implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnsentRecords.class);
    /** At most this many items are sent again per run of the study; the rest wait for the next run. */
    static final int MAX_RESEND = 50_000;

    private final SparkSession spark;
    private final DeltaResultStore store;
    private final String study;
    private final Duration every;
    private final int batch;
    private final List<UnsentRow> waiting = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private long kept;

    /**
     * @param every the longest an overflowed item waits in memory before it is appended
     * @param batch append at once when this many are waiting
     */
    public UnsentRecords(SparkSession spark, DeltaResultStore store, String study, Duration every, int batch) {
        this.spark = Objects.requireNonNull(spark, "spark");
        this.store = Objects.requireNonNull(store, "store");
        this.study = Objects.requireNonNull(study, "study");
        if (every.isNegative() || every.isZero() || batch < 1) {
            throw new IllegalArgumentException("the unsent records need a positive interval and batch, got " + every
                    + " and " + batch);
        }
        this.every = every;
        this.batch = batch;
        this.thread = new Thread(this::loop, "smart-tuner-unsent");
        thread.setDaemon(true);
        thread.start();
    }

    public UnsentRecords(SparkSession spark, DeltaResultStore store, String study) {
        this(spark, store, study, Duration.ofSeconds(2), 1000);
    }

    /** Keeps an item the tracker could not queue; quick and thread-safe (the tracker's overflow sink). */
    public void add(UnsentItem item) {
        synchronized (waiting) {
            waiting.add(row(study, item));
            if (waiting.size() >= batch) {
                waiting.notifyAll();
            }
        }
    }

    /** Items appended so far by this run. */
    public synchronized long kept() {
        return kept;
    }

    private void loop() {
        while (!closed) {
            synchronized (waiting) {
                try {
                    if (waiting.size() < batch) {
                        waiting.wait(every.toMillis()); // gather a batch, but never hold an item past `every`
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
            flush();
        }
    }

    /** Appends what is waiting (one commit); on failure keeps it for the next try. */
    synchronized void flush() {
        List<UnsentRow> rows;
        synchronized (waiting) {
            if (waiting.isEmpty()) {
                return;
            }
            rows = new ArrayList<>(waiting);
            waiting.clear();
        }
        try {
            store.appendUnsent(rows);
            kept += rows.size();
            LOG.info("MLflow: {} entries that did not fit the tracking queue kept in Delta table tracking_unsent",
                    rows.size());
        } catch (RuntimeException e) {
            LOG.warn("could not keep {} unsent MLflow entries in Delta yet ({}); trying again", rows.size(),
                    e.toString());
            synchronized (waiting) {
                waiting.addAll(0, rows);
            }
        }
    }

    /** What earlier runs of the study could not send (oldest first, at most {@link #MAX_RESEND}). */
    public List<UnsentRow> pending() {
        List<UnsentRow> all = store.unsent(study);
        if (all.size() > MAX_RESEND) {
            LOG.info("MLflow: {} unsent entries of study {} are kept; {} are sent again now, the rest on later runs",
                    all.size(), study, MAX_RESEND);
            return all.subList(0, MAX_RESEND);
        }
        return all;
    }

    /**
     * One commit: removes {@code resent} (sent again in this run) and adds {@code unsent} (what this run could
     * not send, those sent again and still unsent among them, which then simply stay).
     */
    public void settle(List<UnsentRow> resent, List<UnsentRow> unsent) {
        Map<String, UnsentRow> remove = new LinkedHashMap<>();
        resent.forEach(r -> remove.put(identity(r), r));
        Map<String, UnsentRow> add = new LinkedHashMap<>();
        for (UnsentRow r : unsent) {
            String id = identity(r);
            if (remove.remove(id) == null) {
                add.putIfAbsent(id, r);
            }
        }
        if (remove.isEmpty() && add.isEmpty()) {
            return;
        }
        StructType schema = ResultTables.UNSENT_TABLE.schema().add("op", DataTypes.StringType, false);
        List<Row> source = new ArrayList<>();
        remove.values().forEach(r -> source.add(withOp(r, "del")));
        add.values().forEach(r -> source.add(withOp(r, "ins")));
        Map<String, String> insert = new LinkedHashMap<>();
        for (String c : ResultTables.UNSENT_TABLE.schema().fieldNames()) {
            insert.put(c, "s." + c);
        }
        DeltaTable.forPath(spark, store.path(ResultTables.UNSENT)).as("t")
                .merge(spark.createDataFrame(source, schema).coalesce(1).as("s"), "t.study = s.study AND t.kind = s.kind "
                        + "AND t.key = s.key AND t.ts = s.ts AND t.trial <=> s.trial AND t.step <=> s.step "
                        + "AND t.value <=> s.value")
                .whenMatched("s.op = 'del'").delete()
                .whenNotMatched("s.op = 'ins'").insertExpr(insert)
                .execute();
    }

    private static Row withOp(UnsentRow r, String op) {
        Row base = ResultTables.UNSENT_TABLE.toRow(r);
        Object[] values = new Object[base.length() + 1];
        for (int i = 0; i < base.length(); i++) {
            values[i] = base.get(i);
        }
        values[base.length()] = op;
        return RowFactory.create(values);
    }

    /** What makes an item the same item (not its reason, not its run id, which a later run may know). */
    private static String identity(UnsentRow r) {
        return r.study() + '\u0000' + r.trial() + '\u0000' + r.kind() + '\u0000' + r.key() + '\u0000' + r.step()
                + '\u0000' + r.ts().getTime() + '\u0000' + r.value();
    }

    public static UnsentRow row(String study, UnsentItem u) {
        return new UnsentRow(study, u.trial().isPresent() ? u.trial().getAsInt() : null, u.runId().orElse(null),
                u.kind().name(), u.key(), u.value(), u.step().isPresent() ? u.step().getAsLong() : null,
                new Timestamp(u.timestampMs()), u.reason());
    }

    public static UnsentItem item(UnsentRow r) {
        return new UnsentItem(r.study(), r.trial() == null ? OptionalInt.empty() : OptionalInt.of(r.trial()),
                Optional.ofNullable(r.runId()), UnsentItem.Kind.valueOf(r.kind()), r.key(), r.value(),
                r.step() == null ? OptionalLong.empty() : OptionalLong.of(r.step()), r.ts().getTime(), r.reason());
    }

    /** Appends what is still waiting and stops the thread. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        synchronized (waiting) {
            if (!waiting.isEmpty()) {
                LOG.error("{} unsent MLflow entries could not be kept in Delta: {}", waiting.size(), waiting.subList(0,
                        Math.min(5, waiting.size())));
            }
        }
    }
}
