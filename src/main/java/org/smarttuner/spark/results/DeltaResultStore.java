package org.smarttuner.spark.results;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The system of record: the {@code trials}, {@code trial_events} and {@code trial_metrics}
 * Delta tables under one base path (any Hadoop file system). Only the driver writes.
 *
 * <p>Cost matters: a Delta MERGE is several Spark jobs, an append is one. Events and metrics are
 * appended (the driver numbers events and records a segment's epochs once, with the checkpoint
 * they lead to); the trials table is upserted with one MERGE per flush. After a driver crash,
 * {@link #dropOrphans} removes history written past what the trials table recorded, so a
 * resumed study never holds a row twice.
 */
public final class DeltaResultStore {
    private final SparkSession spark;
    private final String basePath;

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
     */
    public void createTables() {
        for (ResultTables.Table<?> t : List.of(ResultTables.TRIALS_TABLE, ResultTables.EVENTS_TABLE,
                ResultTables.METRICS_TABLE, ResultTables.UNSENT_TABLE)) {
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

    public void write(Batch batch) {
        // Events and metrics first: a trial row never points at history that is not there yet.
        append(ResultTables.EVENTS_TABLE, batch.events());
        append(ResultTables.METRICS_TABLE, batch.metrics());
        merge(ResultTables.TRIALS_TABLE, latestPerKey(batch.trials()));
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

    private <R extends Record> void append(ResultTables.Table<R> table, Collection<R> rows) {
        if (!rows.isEmpty()) {
            frame(table, rows).write().format("delta").mode("append").save(path(table.name()));
        }
    }

    private <R extends Record> void merge(ResultTables.Table<R> table, Collection<R> rows) {
        if (rows.isEmpty()) {
            return;
        }
        DeltaTable.forPath(spark, path(table.name())).as("t")
                .merge(frame(table, rows).as("s"), table.keyCondition())
                .whenMatched().updateAll().whenNotMatched().insertAll().execute();
    }

    /**
     * Removes events and metrics that a crashed driver wrote after the last trials-table update
     * of their trial: events numbered at or past {@code nextEventSeq}, epochs past {@code
     * lastEpoch}. Called once when a study resumes; returns how many rows were removed.
     */
    public long dropOrphans(String study, int number, int nextEventSeq, int lastEpoch) {
        if (!exists()) {
            return 0;
        }
        String who = "study = '" + study.replace("'", "''") + "' AND number = " + number;
        long removed = 0;
        DeltaTable events = DeltaTable.forPath(spark, path(ResultTables.EVENTS));
        DeltaTable metrics = DeltaTable.forPath(spark, path(ResultTables.METRICS));
        removed += events.toDF().where(who + " AND seq >= " + nextEventSeq).count();
        removed += metrics.toDF().where(who + " AND epoch > " + lastEpoch).count();
        if (removed > 0) {
            events.delete(who + " AND seq >= " + nextEventSeq);
            metrics.delete(who + " AND epoch > " + lastEpoch);
        }
        return removed;
    }

    /** Keeps what the MLflow tracker could not send (appended once, at the end of a run). */
    public void appendUnsent(List<UnsentRow> rows) {
        append(ResultTables.UNSENT_TABLE, rows);
    }

    public List<UnsentRow> unsent(String study) {
        return read(ResultTables.UNSENT_TABLE, study, "ts");
    }

    public boolean exists() {
        try {
            Path p = new Path(path(ResultTables.TRIALS));
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(new Path(p, "_delta_log"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot reach the Delta path " + basePath, e);
        }
    }

    public List<TrialRow> trials(String study) {
        return read(ResultTables.TRIALS_TABLE, study, "number");
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
