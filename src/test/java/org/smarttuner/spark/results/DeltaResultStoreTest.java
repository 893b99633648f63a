package org.smarttuner.spark.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.SparkTestSession;

class DeltaResultStoreTest {
    @TempDir
    Path dir;

    static TrialRow trial(int n, String state, Double value) {
        Timestamp t = new Timestamp(1_700_000_000_000L + n * 1000L);
        return new TrialRow("s", n, state, Map.of("learning_rate", "0.001", "optimizer", "adam"),
                "{\"learning_rate\": 0.001}", "{}", value, "{\"1\": 2.5}", "{}", "{}", t,
                state.equals("RUNNING") ? null : t, state.equals("RUNNING") ? null : 1.0, 1, "exec-1", "0", null,
                "/ck/" + n, null, t, null);
    }

    static MetricRow metric(int n, int epoch, double val) {
        return new MetricRow("s", n, 0, epoch, 3.0, val, val * 0.9, val * 0.1, 0.4, 9.5, 10.2, 0.1, 0.8, 0.9, 2500.0,
                900.0, 12.0, new Timestamp(1_700_000_000_000L));
    }

    static EventRow event(int n, int seq, String from, String to) {
        return new EventRow("s", n, seq, new Timestamp(1_700_000_000_000L + seq), from, to, 0, 1, "exec-1", "");
    }

    @Test
    void writesAreIdempotentAndTrialsKeepTheirLatestState() {
        SparkSession spark = SparkTestSession.get();
        DeltaResultStore store = new DeltaResultStore(spark, dir.resolve("delta").toString());
        assertFalse(store.exists());
        assertEquals(List.of(), store.trials("s"), "no tables yet reads as an empty study");
        store.createTables();
        store.createTables();
        assertTrue(store.exists());

        DeltaResultStore.Batch first = new DeltaResultStore.Batch(
                List.of(trial(0, "RUNNING", null), trial(1, "RUNNING", null)),
                List.of(event(0, 0, null, "RUNNING"), event(1, 0, null, "RUNNING")),
                List.of(metric(0, 1, 2.0)));
        store.write(first);
        assertEquals(2, store.trials("s").size());
        assertEquals(2, store.events("s").size());
        assertEquals(1, store.metrics("s").size());

        // A later batch: trial 0 completes (two rows for it in one batch: the last wins).
        store.write(new DeltaResultStore.Batch(
                List.of(trial(0, "RUNNING", null), trial(0, "COMPLETE", 1.25)),
                List.of(event(0, 1, "RUNNING", "COMPLETE")),
                List.of(metric(0, 2, 1.25))));
        List<TrialRow> trials = store.trials("s");
        assertNotNull(trials.get(0).seq());
        assertEquals(trial(0, "COMPLETE", 1.25).withSeq(trials.get(0).seq()), trials.get(0),
                "round trip keeps every column");
        assertEquals("RUNNING", trials.get(1).state());
        assertNull(trials.get(1).value());
        assertEquals(2, store.metrics("s").size());
        assertEquals(3, store.events("s").size());

        // A driver that died after writing trial 1's history but before its trial row: the
        // trials table says trial 1 has 1 event and no epoch; the orphans go on resume.
        store.write(new DeltaResultStore.Batch(List.of(), List.of(event(1, 1, "RUNNING", "RUNNING")),
                List.of(metric(1, 1, 2.2))));
        // ... and a new trial 2 whose first event went in while its row never did (killed between the two)
        store.write(new DeltaResultStore.Batch(List.of(), List.of(event(2, 0, null, "RUNNING")), List.of()));
        List<DeltaResultStore.Recorded> recorded = List.of(new DeltaResultStore.Recorded(0, 2, 2),
                new DeltaResultStore.Recorded(1, 1, 0));
        assertEquals(3, store.dropUnrecorded("s", recorded));
        assertEquals(0, store.dropUnrecorded("s", recorded), "idempotent");
        assertEquals(3, store.events("s").size());
        assertEquals(2, store.metrics("s").size());
        assertEquals(List.of(1, 2), store.metrics("s").stream().map(MetricRow::epoch).toList());
        assertEquals(List.of(), store.trials("other-study"));
        assertEquals(2, store.materialize());
        assertEquals(2, spark.read().format("delta").load(store.path(ResultTables.TRIALS))
                .where("params['optimizer'] = 'adam'").count(), "params are queryable as a map in SQL");
    }

    /**
     * A metrics table written before the voice metrics existed (and when attention_sharpness was still
     * alignment_score): opening the store adds the missing columns (null in the old rows), the old rows
     * still read, and new rows with the metrics append.
     */
    @Test
    void aMetricsTableFromBeforeTheVoiceMetricsGetsTheirColumns() {
        SparkSession spark = SparkTestSession.get();
        String base = dir.resolve("old").toString();
        List<String> added = List.of("val_mcd", "val_mcd_sl", "val_stop_error", "val_stop_rate", "val_attention");
        org.apache.spark.sql.types.StructType full = ResultTables.METRICS_TABLE.schema();
        org.apache.spark.sql.types.StructType old = new org.apache.spark.sql.types.StructType(
                java.util.Arrays.stream(full.fields()).filter(f -> !added.contains(f.name()))
                        .map(f -> f.name().equals("attention_sharpness") ? new org.apache.spark.sql.types.StructField(
                                "alignment_score", f.dataType(), true, f.metadata()) : f)
                        .toArray(org.apache.spark.sql.types.StructField[]::new));
        String table = base + "/" + ResultTables.METRICS;
        io.delta.tables.DeltaTable.createIfNotExists(spark).location(table).addColumns(old).execute();
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("s", 0, 0, 1, 3.0, 2.0, 1.8, 0.2, 0.4,
                2500.0, 900.0, 12.0, new Timestamp(1_700_000_000_000L))), old)
                .write().format("delta").mode("append").save(table);

        DeltaResultStore store = new DeltaResultStore(spark, base);
        store.createTables();
        List<String> columns = List.of(spark.read().format("delta").load(table).schema().fieldNames());
        assertTrue(columns.containsAll(added) && columns.contains("attention_sharpness"), "columns now: " + columns);
        store.write(new DeltaResultStore.Batch(List.of(), List.of(), List.of(metric(0, 2, 1.5))));
        List<MetricRow> rows = store.metrics("s");
        assertEquals(2, rows.size());
        MetricRow before = rows.stream().filter(r -> r.epoch() == 1).findFirst().orElseThrow();
        assertEquals(2.0, before.valLoss());
        assertNull(before.valMcd(), "not measured before the upgrade");
        assertNull(before.attentionSharpness(), "kept under its old name, alignment_score");
        assertNull(before.metric("val_attention"));
        MetricRow after = rows.stream().filter(r -> r.epoch() == 2).findFirst().orElseThrow();
        assertEquals(9.5, after.valMcd());
        assertEquals(0.9, after.metric("val_attention"));
        store.createTables(); // idempotent: nothing left to add
    }

    @Test
    void aTableWhoseCreationAKilledDriverInterruptedIsCreatedOnTheNextRun() throws Exception {
        // what a SIGKILL during the first run's createTables leaves: the log folder, Delta's temporary
        // commit file, no commit
        Path log = dir.resolve("delta").resolve(ResultTables.EVENTS).resolve("_delta_log");
        java.nio.file.Files.createDirectories(log);
        java.nio.file.Files.writeString(log.resolve(".00000000000000000000.json.5f1c2a.tmp"), "{\"commitInfo\":");
        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), dir.resolve("delta").toString());
        store.createTables();
        store.write(new DeltaResultStore.Batch(List.of(), List.of(event(0, 0, null, "RUNNING")), List.of()));
        assertEquals(1, store.events("s").size());
    }

    /**
     * A long study appends a small file to each table per batch: the store compacts a table once it has
     * gathered enough appends (here 3 instead of 50, to see it in a few batches), so the files a read must
     * open stay few, and nothing is lost to it. Without the compaction every batch stays a file.
     */
    @Test
    void smallFilesAreCompactedAsTheyGather() {
        SparkSession spark = SparkTestSession.get();
        DeltaResultStore store = new DeltaResultStore(spark, dir.resolve("delta").toString());
        store.compactAfter(3);
        store.createTables();
        List<String> compacted = new java.util.ArrayList<>();
        for (int seq = 0; seq < 5; seq++) {
            store.write(new DeltaResultStore.Batch(List.of(), List.of(event(0, seq, null, "RUNNING")),
                    List.of(metric(0, seq + 1, 1.0))), "writer", seq);
            store.compactIfDue().ifPresent(compacted::add);
        }
        // both tables are due after the third batch: one is compacted then, the other after the next one
        assertEquals(2, compacted.size(), compacted.toString());
        assertTrue(compacted.containsAll(List.of(ResultTables.EVENTS, ResultTables.METRICS)), compacted.toString());
        for (String table : List.of(ResultTables.EVENTS, ResultTables.METRICS)) {
            long files = io.delta.tables.DeltaTable.forPath(spark, store.path(table)).detail().select("numFiles").head()
                    .getLong(0);
            assertTrue(files < 4, "5 one-row appends left " + files + " files to read in " + table);
        }
        assertEquals(5, store.events("s").size(), "nothing lost to the compaction");
        assertEquals(5, store.metrics("s").size(), "nothing lost to the compaction");
        assertEquals("true", io.delta.tables.DeltaTable.forPath(spark, store.path(ResultTables.TRIALS_TABLE.name()))
                .detail().select("properties").head().getJavaMap(0).get("delta.autoOptimize.autoCompact"));
        assertTrue(store.concurrentCommitsSafe(), "a local disk");
        assertFalse(new DeltaResultStore(spark, "s3a://bucket/delta").concurrentCommitsSafe(), "S3");
        assertTrue(new DeltaResultStore(spark, "abfss://c@acct.dfs.core.windows.net/delta").concurrentCommitsSafe());
    }

    /**
     * The record point is a batch's trial states; the {@code trials} table follows by MERGE. Before the
     * MERGE the store reads the recorded states; a retried batch lands once; a driver that died before its
     * MERGE leaves states that the next driver's store reads and merges; an older state never replaces a
     * newer one in the table; a second writer's states come after the first's.
     */
    @Test
    void trialStatesAreTheRecordAndTheTrialsTableFollows() {
        SparkSession spark = SparkTestSession.get();
        String base = dir.resolve("delta").toString();
        DeltaResultStore first = new DeltaResultStore(spark, base);
        first.createTables();
        DeltaResultStore.Batch running = new DeltaResultStore.Batch(List.of(trial(0, "RUNNING", null)),
                List.of(event(0, 0, null, "RUNNING")), List.of());
        first.write(running, "driver-1", 0);
        first.write(running, "driver-1", 0); // a retry of the same batch
        DeltaResultStore.Batch done = new DeltaResultStore.Batch(List.of(trial(0, "COMPLETE", 0.5)),
                List.of(event(0, 1, "RUNNING", "COMPLETE")), List.of(metric(0, 1, 0.5)));
        first.write(done, "driver-1", 1);
        first.write(done, "driver-1", 1);
        assertEquals(2, spark.read().format("delta").load(first.path(ResultTables.STATES)).count(), "retries land once");
        assertEquals(2, first.events("s").size());
        assertEquals(1, first.metrics("s").size());
        assertEquals(0, spark.read().format("delta").load(first.path(ResultTables.TRIALS)).count(),
                "not merged yet");
        assertEquals("COMPLETE", first.trials("s").get(0).state(), "the store reads the record");

        // the driver dies before its MERGE: the next one reads the record and brings the table level
        DeltaResultStore second = new DeltaResultStore(spark, base);
        List<TrialRow> seen = second.trials("s");
        assertEquals(1, seen.size());
        assertEquals("COMPLETE", seen.get(0).state());
        assertEquals(1, second.unmaterialized());
        assertEquals(1, second.materialize());
        assertEquals(0, second.unmaterialized());
        TrialRow inTable = ResultTables.TRIALS_TABLE.fromRow(spark.read().format("delta")
                .load(first.path(ResultTables.TRIALS)).head());
        assertEquals(seen.get(0), inTable);

        // a second writer's states come after every earlier one, and a late MERGE of an older state (the first
        // driver, still holding trial 1 RUNNING) never replaces the newer one in the table
        first.write(new DeltaResultStore.Batch(List.of(trial(1, "RUNNING", null)), List.of(), List.of()),
                "driver-1", 2);
        second.write(new DeltaResultStore.Batch(List.of(trial(1, "PRUNED", null)), List.of(), List.of()), "driver-2", 0);
        List<TrialRow> now = second.trials("s");
        assertEquals("PRUNED", now.get(1).state());
        assertTrue(now.get(1).seq() > now.get(0).seq(), now.toString());
        second.materialize();
        first.materialize();
        assertEquals(List.of("COMPLETE", "PRUNED"), spark.read().format("delta").load(first.path(ResultTables.TRIALS))
                .orderBy("number").collectAsList().stream().map(r -> r.getString(r.fieldIndex("state"))).toList());
    }

    /**
     * A table Delta Kernel cannot write (here: a CHECK constraint, which Kernel does not enforce) is appended
     * to with Spark instead, once Kernel refuses it; nothing is lost and a retried batch still lands once.
     */
    @Test
    void aTableKernelRefusesIsAppendedWithSpark() {
        SparkSession spark = SparkTestSession.get();
        DeltaResultStore store = new DeltaResultStore(spark, dir.resolve("delta").toString());
        store.createTables();
        spark.sql("ALTER TABLE delta.`" + store.path(ResultTables.EVENTS) + "` ADD CONSTRAINT seq_ok CHECK (seq >= 0)");
        DeltaResultStore.Batch b = new DeltaResultStore.Batch(List.of(trial(0, "RUNNING", null)),
                List.of(event(0, 0, null, "RUNNING")), List.of(metric(0, 1, 1.0)));
        store.write(b, "w", 0);
        store.write(b, "w", 0);
        assertEquals(java.util.Set.of(ResultTables.EVENTS), store.sparkAppendedTables());
        assertEquals(1, store.events("s").size());
        assertEquals(1, store.metrics("s").size());
        assertEquals("RUNNING", store.trials("s").get(0).state());
    }
}
