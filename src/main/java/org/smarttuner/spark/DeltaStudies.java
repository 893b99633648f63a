package org.smarttuner.spark;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.smarttuner.report.MissingStudyException;
import org.smarttuner.report.StoredStudy;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.ResultTables;
import org.smarttuner.spark.results.TrialRow;

/**
 * Reads a study from the Delta tables for the report and status commands. A trial was last heard
 * of when the driver last rewrote its row (every event rewrites it); the study's last event is the
 * newest row of {@code trial_events}.
 */
public final class DeltaStudies {
    private DeltaStudies() {
    }

    /** @throws MissingStudyException when there are no tables at the path or no such study in them */
    public static StoredStudy read(SparkSession spark, String deltaPath, String study) {
        DeltaResultStore store = new DeltaResultStore(spark, deltaPath);
        if (!store.exists()) {
            throw new MissingStudyException("no Delta tables at " + deltaPath + " (no " + store.path(ResultTables.TRIALS)
                    + "/_delta_log); give output.delta_path of the study, e.g. work/delta");
        }
        List<TrialRow> rows = store.trials(study);
        if (rows.isEmpty()) {
            List<String> names = store.studyNames();
            throw new MissingStudyException("no study named '" + study + "' in the Delta tables at " + deltaPath
                    + "; studies there: " + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        Map<Integer, Instant> seen = new HashMap<>();
        for (TrialRow r : rows) {
            if (r.updated() != null) {
                seen.put(r.number(), r.updated().toInstant());
            }
        }
        Row last = spark.read().format("delta").load(store.path(ResultTables.EVENTS))
                .where(functions.col("study").equalTo(study)).agg(functions.max("ts")).first();
        Optional<Instant> lastEvent = last.isNullAt(0) ? Optional.empty()
                : Optional.of(last.getTimestamp(0).toInstant());
        return new StoredStudy(study, Optional.empty(), rows.stream().map(TrialCodec::fromRow).toList(), seen,
                lastEvent, "Delta tables at " + deltaPath);
    }
}
