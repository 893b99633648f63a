package org.smarttuner.spark.results;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The system of record: the {@code trial_states}, {@code trial_events} and {@code trial_metrics}
 * Delta tables under one base path (any Hadoop file system), and {@code trials}, the latest state of
 * each trial. Only the driver writes.
 *
 * <p>Cost matters: a segment waits for its batch to be recorded. A batch is three appends, written
 * with Delta Kernel (one Parquet file and one commit each, no Spark job; see {@link KernelAppender}):
 * events, metrics, then the trials' new states, the last of which is the record point. The
 * {@code trials} table is brought up to date with one Spark MERGE of the latest states
 * ({@link #materialize()}), off the recording path; readers here ({@link #trials}) see the record
 * exactly (the table's rows, overridden by newer states), SQL readers of {@code trials} see it a
 * MERGE behind. After a driver crash, {@link #dropUnrecorded} removes history written past what the
 * recorded states hold, so a resumed study never holds a row twice.
 */
public final class DeltaResultStore {
    private final SparkSession spark;
    private final String basePath;
    private KernelAppender kernel;
    /** Recorded states the {@code trials} table does not have yet, by study and number. */
    private final Map<String, TrialRow> unmaterialized = new LinkedHashMap<>();
    /** Where each writer's record sequence starts (the table's highest seq + 1 at its first batch). */
    private final Map<String, Long> seqBase = new java.util.concurrent.ConcurrentHashMap<>();
    /** Kernel commits per table since its last compaction. */
    private final Map<String, Integer> sinceCompaction = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int compactAfter = COMPACT_AFTER;
    private final java.util.Set<String> sparkAppends = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Small files a table gathers before {@link #compactIfDue()} rewrites them with OPTIMIZE: Kernel's
     * appends do not run Spark's auto compaction, so the store compacts the tables it appends to itself.
     */
    static final int COMPACT_AFTER = 50;

    public DeltaResultStore(SparkSession spark, String basePath) {
        this.spark = spark;
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    }

    public String path(String table) {
        return basePath + "/" + table;
    }

    /**
     * Creates the tables if they do not exist yet (idempotent). A table written by an earlier version
     * gets the columns it lacks (nullable, so its rows read as "not measured"): a study started before
     * an upgrade resumes and its old rows stay readable.
     *
     * @return whether this call created every table (a new study's output: there is nothing to read back)
     */
    public boolean createTables() {
        boolean allNew = true;
        for (ResultTables.Table<?> t : List.of(ResultTables.TRIALS_TABLE, ResultTables.STATES_TABLE,
                ResultTables.EVENTS_TABLE,
                ResultTables.METRICS_TABLE, ResultTables.UNSENT_TABLE, ResultTables.STUDIES_TABLE)) {
            clearInterruptedCreate(path(t.name()));
            if (!DeltaTable.isDeltaTable(spark, path(t.name()))) {
                // A new table gets its properties in its first commit: reading them back (a Spark job over the
                // new log) and an ALTER TABLE (a second commit) cost a fresh study 1-2 s a table on 2 cores.
                io.delta.tables.DeltaTableBuilder create = DeltaTable.createIfNotExists(spark).location(path(t.name()))
                        .addColumns(t.schema());
                TABLE_PROPERTIES.forEach(create::property);
                create.execute();
                continue;
            }
            allNew = false;
            DeltaTable table = DeltaTable.createIfNotExists(spark).location(path(t.name())).addColumns(t.schema())
                    .execute();
            java.util.Set<String> have = new java.util.HashSet<>(
                    java.util.Arrays.asList(table.toDF().schema().fieldNames()));
            List<String> missing = new ArrayList<>();
            for (org.apache.spark.sql.types.StructField f : t.schema().fields()) {
                if (!have.contains(f.name()) && f.nullable()) {
                    missing.add("`" + f.name() + "` " + f.dataType().sql());
                }
            }
            if (!missing.isEmpty()) {
                spark.sql("ALTER TABLE delta.`" + path(t.name()) + "` ADD COLUMNS (" + String.join(", ", missing)
                        + ")");
            }
            Map<String, String> props = table.detail().select("properties").head().getJavaMap(0);
            List<String> set = new ArrayList<>();
            TABLE_PROPERTIES.forEach((k, v) -> {
                if (!v.equals(props.get(k))) {
                    set.add("'" + k + "' = '" + v + "'");
                }
            });
            if (!set.isEmpty()) {
                spark.sql("ALTER TABLE delta.`" + path(t.name()) + "` SET TBLPROPERTIES (" + String.join(", ", set)
                        + ")");
            }
        }
        return allNew;
    }

    /**
     * Every batch adds a small file to each table; over a long study that is thousands, and every MERGE,
     * resume, status and report reads them all. Delta's auto compaction (a post-commit hook) rewrites them
     * into one once enough small files have gathered, so the file count stays bounded (on the tables Spark
     * writes; those Kernel appends to are compacted by {@link #compactIfDue()}); the log is checkpointed every
     * 10 commits (Delta's default, which Kernel follows too), so reading a table replays at most 10 JSON commits.
     */
    static final Map<String, String> TABLE_PROPERTIES = Map.of("delta.autoOptimize.autoCompact", "true");

    /**
     * A driver killed while it created a table can leave a {@code _delta_log} folder without its first
     * commit, which Delta then reads as "table not found" and refuses to create again. Nothing was ever
     * committed there (no commit file, no data file), so the folder is removed and the table made anew.
     */
    private void clearInterruptedCreate(String table) {
        try {
            Path root = new Path(table);
            org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path log = new Path(root, "_delta_log");
            if (!fs.exists(log)) {
                return;
            }
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log)) {
                if (f.getPath().getName().matches("\\d{20}\\.(json|checkpoint\\.parquet)")) {
                    return; // a real table
                }
            }
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(root)) {
                if (!f.getPath().getName().equals("_delta_log")) {
                    return; // something else lies there: leave it to Delta to say what
                }
            }
            org.slf4j.LoggerFactory.getLogger(DeltaResultStore.class).warn("Delta table {} was never committed (its "
                    + "creation was interrupted, e.g. by a killed driver): creating it again", table);
            fs.delete(log, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot inspect the Delta table " + table, e);
        }
    }

    /** One batch of changes, written as at most one commit per table. */
    public record Batch(List<TrialRow> trials, List<EventRow> events, List<MetricRow> metrics) {
        public Batch {
            trials = List.copyOf(trials);
            events = List.copyOf(events);
            metrics = List.copyOf(metrics);
        }

        public boolean isEmpty() {
            return trials.isEmpty() && events.isEmpty() && metrics.isEmpty();
        }

        public int size() {
            return trials.size() + events.size() + metrics.size();
        }
    }

    /**
     * Records one batch: events and metrics first, then the trials' states (a state never points at history
     * that is not there yet); the states' commit is the record point. Delta has no transaction across
     * tables, so a batch that fails part way is retried whole; each append is idempotent per writer and
     * batch (a SetTransaction of (writer, version) in the commit; a retried append whose version that
     * writer already committed is skipped), so a retry applies every table once, and a retried batch's
     * states keep their seq (the writer's base + version).
     *
     * @param writerId unique per writing driver (one per {@code tune} run)
     * @param version increases with every batch that writer sends; the same batch keeps its version on retry
     */
    public WriteTimes write(Batch batch, String writerId, long version) {
        if (version < 0) {
            throw new IllegalArgumentException("batch version must be >= 0, got " + version);
        }
        if (!concurrentCommitsSafe()) {
            compactIfDue(); // S3: between batches, on this thread, so no two commits to one table at once
        }
        long seq = seqBase.computeIfAbsent(writerId, w -> maxSeq() + 1) + version;
        List<TrialRow> states = latestPerKey(batch.trials()).stream().map(r -> r.withSeq(seq)).toList();
        long t0 = System.nanoTime();
        append(ResultTables.EVENTS_TABLE, batch.events(), writerId, version);
        long t1 = System.nanoTime();
        append(ResultTables.METRICS_TABLE, batch.metrics(), writerId, version);
        long t2 = System.nanoTime();
        append(ResultTables.STATES_TABLE, states, writerId, version);
        synchronized (unmaterialized) {
            for (TrialRow r : states) {
                unmaterialized.merge(r.study() + "\u0000" + r.number(), r, (a, b) -> b.seq() >= a.seq() ? b : a);
            }
        }
        return new WriteTimes((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
    }

    /** How long one batch took per table, in milliseconds. */
    public record WriteTimes(long events, long metrics, long states) {
        public long total() {
            return events + metrics + states;
        }
    }

    /**
     * One idempotent append: with Delta Kernel, or with Spark for a table Kernel refused (a writer feature it
     * does not support, e.g. a table a Databricks runtime created with features on by default). Both mark the
     * commit with the same (writer, version) transaction, so a retry is skipped whichever wrote first.
     */
    private <R extends Record> void append(ResultTables.Table<R> table, Collection<R> rows, String writerId,
                                           long version) {
        if (rows.isEmpty()) {
            return;
        }
        if (!sparkAppends.contains(table.name())) {
            try {
                kernel().append(path(table.name()), table, rows, writerId, version)
                        .ifPresent(v -> commitMade(table.name()));
                return;
            } catch (io.delta.kernel.exceptions.KernelException e) {
                sparkAppends.add(table.name());
                org.slf4j.LoggerFactory.getLogger(DeltaResultStore.class).warn("Delta Kernel cannot append to the "
                        + "table {} ({}); its rows are appended with Spark from now on (slower)", table.name(),
                        e.getMessage());
            }
        }
        frame(table, rows).write().format("delta").mode("append").option("txnAppId", writerId)
                .option("txnVersion", version).save(path(table.name()));
    }

    /** Tables appended to with Spark because Delta Kernel refused them. */
    public java.util.Set<String> sparkAppendedTables() {
        return java.util.Set.copyOf(sparkAppends);
    }

    /**
     * Brings the {@code trials} table up to the recorded states with one MERGE (a state never replaces a
     * newer one), then, where commits may run at once ({@link #concurrentCommitsSafe()}), compacts a table
     * that is due: the work off the recording path. Call it from another thread than {@link #write}'s;
     * returns how many trials it updated.
     */
    public int materialize() {
        int merged = mergeStates();
        if (concurrentCommitsSafe()) {
            compactIfDue();
        }
        return merged;
    }

    private int mergeStates() {
        Map<String, TrialRow> todo;
        synchronized (unmaterialized) {
            todo = new LinkedHashMap<>(unmaterialized);
        }
        if (todo.isEmpty()) {
            return 0;
        }
        DeltaTable.forPath(spark, path(ResultTables.TRIALS)).as("t")
                .merge(frame(ResultTables.TRIALS_TABLE, todo.values()).as("s"),
                        ResultTables.TRIALS_TABLE.keyCondition())
                .whenMatched("t.seq IS NULL OR s.seq >= t.seq").updateAll().whenNotMatched().insertAll().execute();
        synchronized (unmaterialized) {
            todo.forEach(unmaterialized::remove); // only the very rows merged: a newer state stays to do
        }
        return todo.size();
    }

    /** Recorded states the {@code trials} table does not show yet. */
    public int unmaterialized() {
        synchronized (unmaterialized) {
            return unmaterialized.size();
        }
    }

    /** Lowers the compaction threshold (tests). */
    void compactAfter(int commits) {
        this.compactAfter = commits;
    }

    private void commitMade(String table) {
        sinceCompaction.merge(table, 1, Integer::sum);
    }

    /**
     * Rewrites the small files of the table that gathered the most appends since its last compaction, once
     * that is {@link #COMPACT_AFTER}, into a few large ones (Delta's OPTIMIZE); one table per call, so the
     * tables that fill up together are compacted on consecutive batches. {@link #materialize()} calls it off
     * the recording path where two commits to one table may run at once ({@link #concurrentCommitsSafe()});
     * elsewhere (S3) {@link #write} calls it first, between batches. Returns the table compacted, if any.
     */
    public Optional<String> compactIfDue() {
        String due = null;
        int most = 0;
        for (String table : List.of(ResultTables.EVENTS, ResultTables.METRICS, ResultTables.STATES)) {
            int n = sinceCompaction.getOrDefault(table, 0);
            if (n >= compactAfter && n > most) {
                due = table;
                most = n;
            }
        }
        if (due == null) {
            return Optional.empty();
        }
        spark.sql("OPTIMIZE delta.`" + path(due) + "`").collect();
        sinceCompaction.merge(due, -most, Integer::sum);
        return Optional.of(due);
    }

    /**
     * True where Delta's log store makes a commit atomic by the file system itself (put-if-absent or an
     * atomic rename: local disks, HDFS, Azure, GCS, DBFS), so a compaction may commit while an append
     * does. False for S3, whose log stores only exclude concurrent writers through a lock in one JVM
     * (or an outside service): there the store's commits to a table are made one at a time.
     */
    public boolean concurrentCommitsSafe() {
        String scheme = new Path(basePath).toUri().getScheme();
        return scheme == null || !scheme.toLowerCase(java.util.Locale.ROOT).startsWith("s3");
    }

    private synchronized KernelAppender kernel() {
        if (kernel == null) {
            kernel = new KernelAppender(spark.sparkContext().hadoopConfiguration());
        }
        return kernel;
    }

    /** The highest seq recorded in this store (any study), -1 when none. */
    private long maxSeq() {
        if (!tableExists(ResultTables.STATES)) {
            return -1;
        }
        Row r = spark.read().format("delta").load(path(ResultTables.STATES)).agg(functions.max("seq")).head();
        return r.isNullAt(0) ? -1 : r.getLong(0);
    }

    /** A one-off batch (tools, tests): a writer of its own, so it is never taken for a retry. */
    public void write(Batch batch) {
        write(batch, "one-off-" + java.util.UUID.randomUUID(), 0);
    }

    /** Within one batch only the last row of a trial counts (MERGE refuses two source rows per key). */
    private static List<TrialRow> latestPerKey(List<TrialRow> rows) {
        Map<String, TrialRow> last = new LinkedHashMap<>();
        for (TrialRow r : rows) {
            last.put(r.study() + "\u0000" + r.number(), r);
        }
        return new ArrayList<>(last.values());
    }

    private <R extends Record> Dataset<Row> frame(ResultTables.Table<R> table, Collection<R> rows) {
        List<Row> data = rows.stream().map(table::toRow).toList();
        return spark.createDataFrame(data, table.schema()).coalesce(1);
    }

    private <R extends Record> void merge(ResultTables.Table<R> table, Collection<R> rows) {
        if (rows.isEmpty()) {
            return;
        }
        DeltaTable.forPath(spark, path(table.name())).as("t")
                .merge(frame(table, rows).as("s"), table.keyCondition())
                .whenMatched().updateAll().whenNotMatched().insertAll().execute();
    }

    /** What the trials table says was recorded for one trial: its event count and its last epoch. */
    public record Recorded(int number, int events, int lastEpoch) {
    }

    /**
     * Removes the history a crashed driver appended without the trials-table MERGE that would have
     * recorded it (Delta has no transaction across tables): events numbered at or past the trial's
     * recorded event count, epochs past its recorded last epoch, and every row of a trial the table does
     * not hold at all (a new trial's first events, killed before its row was merged). Called once when a
     * study resumes, for all of its trials; returns how many (trial, seq) and (trial, epoch) keys were removed.
     */
    public long dropUnrecorded(String study, Collection<Recorded> recorded) {
        if (!exists()) {
            return 0;
        }
        List<Row> rows = recorded.stream().map(r -> org.apache.spark.sql.RowFactory.create(r.number(), r.events(),
                r.lastEpoch())).toList();
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("number", "int").add("next_seq", "int").add("last_epoch", "int");
        Dataset<Row> known = spark.createDataFrame(rows, schema);
        long removed = 0;
        removed += dropPast(ResultTables.EVENTS, study, known, "seq", functions.col("seq").geq(
                functions.col("next_seq")));
        removed += dropPast(ResultTables.METRICS, study, known, "epoch", functions.col("epoch").gt(
                functions.col("last_epoch")));
        return removed;
    }

    private long dropPast(String table, String study, Dataset<Row> known, String key, org.apache.spark.sql.Column past) {
        Dataset<Row> rows = spark.read().format("delta").load(path(table)).where(functions.col("study").equalTo(study));
        // the bound column is null for a trial the trials table does not hold: all of its rows go
        Dataset<Row> extra = rows.join(known, rows.col("number").equalTo(known.col("number")), "left_outer")
                .where(known.col("number").isNull().or(past))
                .select(rows.col("study"), rows.col("number"), rows.col(key)).distinct();
        List<Row> keys = extra.collectAsList();
        if (keys.isEmpty()) {
            return 0;
        }
        Dataset<Row> source = spark.createDataFrame(keys, extra.schema());
        DeltaTable.forPath(spark, path(table)).as("t")
                .merge(source.as("s"), "t.study = s.study AND t.number = s.number AND t." + key + " = s." + key)
                .whenMatched().delete().execute();
        return keys.size();
    }

    /** What defines the study, as the driver that started it recorded it; empty for a study from before. */
    public java.util.Optional<StudyRow> definition(String study) {
        return read(ResultTables.STUDIES_TABLE, study, "study").stream().findFirst();
    }

    /** Records what defines the study (replacing an earlier record: the caller holds the study's lease). */
    public void recordDefinition(StudyRow row) {
        merge(ResultTables.STUDIES_TABLE, List.of(row));
    }

    /** Keeps what the MLflow tracker could not send. */
    public void appendUnsent(List<UnsentRow> rows) {
        kernel().append(path(ResultTables.UNSENT), ResultTables.UNSENT_TABLE, rows, "unsent-" + java.util.UUID.randomUUID(),
                0);
    }

    public List<UnsentRow> unsent(String study) {
        return read(ResultTables.UNSENT_TABLE, study, "ts");
    }

    public boolean exists() {
        return tableExists(ResultTables.TRIALS);
    }

    private boolean tableExists(String name) {
        try {
            Path p = new Path(path(name));
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(new Path(p, "_delta_log"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot reach the Delta path " + basePath, e);
        }
    }

    /** The studies recorded here, sorted. */
    public List<String> studyNames() {
        if (!exists()) {
            return List.of();
        }
        Dataset<Row> names = spark.read().format("delta").load(path(ResultTables.TRIALS)).select("study");
        if (tableExists(ResultTables.STATES)) {
            names = names.union(spark.read().format("delta").load(path(ResultTables.STATES)).select("study"));
        }
        return names.distinct().orderBy("study").collectAsList().stream().map(r -> r.getString(0)).toList();
    }

    /**
     * Each trial's latest recorded state: the {@code trials} table's row, or a newer state from
     * {@code trial_states} the table does not show yet (written by a driver that died before its MERGE,
     * or by one still running).
     */
    public List<TrialRow> trials(String study) {
        if (!exists()) {
            return List.of();
        }
        Dataset<Row> table = spark.read().format("delta").load(path(ResultTables.TRIALS))
                .where(functions.col("study").equalTo(study));
        if (!tableExists(ResultTables.STATES)) { // tables of an earlier version, not opened by `tune` since
            return table.orderBy("number").collectAsList().stream().map(ResultTables.TRIALS_TABLE::fromRow).toList();
        }
        Dataset<Row> states = spark.read().format("delta").load(path(ResultTables.STATES))
                .where(functions.col("study").equalTo(study));
        // on a tie the table's row wins: that state is already there
        org.apache.spark.sql.expressions.WindowSpec latest = org.apache.spark.sql.expressions.Window
                .partitionBy("number").orderBy(functions.col("seq").desc_nulls_last(), functions.col("_table").desc());
        Dataset<Row> df = states.withColumn("_table", functions.lit(0))
                .unionByName(table.withColumn("_table", functions.lit(1)))
                .withColumn("_rank", functions.row_number().over(latest))
                .where(functions.col("_rank").equalTo(1)).drop("_rank").orderBy("number");
        List<TrialRow> out = new ArrayList<>();
        synchronized (unmaterialized) {
            for (Row r : df.collectAsList()) {
                TrialRow t = ResultTables.TRIALS_TABLE.fromRow(r);
                out.add(t);
                if (r.getInt(r.fieldIndex("_table")) == 0) { // recorded, not in the table yet: the next MERGE adds it
                    unmaterialized.putIfAbsent(t.study() + "\u0000" + t.number(), t);
                }
            }
        }
        return out;
    }

    public List<EventRow> events(String study) {
        return read(ResultTables.EVENTS_TABLE, study, "number", "seq");
    }

    public List<MetricRow> metrics(String study) {
        return read(ResultTables.METRICS_TABLE, study, "number", "epoch");
    }

    private <R extends Record> List<R> read(ResultTables.Table<R> table, String study, String... order) {
        if (!exists()) {
            return List.of();
        }
        Dataset<Row> df = spark.read().format("delta").load(path(table.name()))
                .where(functions.col("study").equalTo(study)).orderBy(order[0],
                        java.util.Arrays.copyOfRange(order, 1, order.length));
        return df.collectAsList().stream().map(table::fromRow).toList();
    }
}
