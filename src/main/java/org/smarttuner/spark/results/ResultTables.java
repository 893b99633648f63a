package org.smarttuner.spark.results;

import java.lang.reflect.RecordComponent;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The three Delta tables' schemas, derived from the row records so the record is the one
 * definition of a table (snake_case columns, nullable where the Java type is a boxed type).
 */
public final class ResultTables {
    public static final String TRIALS = "trials";
    /** Every recorded state of every trial, appended; {@code trials} is its latest state per trial, kept by MERGE. */
    public static final String STATES = "trial_states";
    public static final String EVENTS = "trial_events";
    public static final String METRICS = "trial_metrics";
    public static final String UNSENT = "tracking_unsent";
    public static final String STUDIES = "studies";

    private ResultTables() {
    }

    /** A table: its name, record class, and the key columns that make a row unique. */
    public record Table<R extends Record>(String name, Class<R> type, List<String> keys) {
        public StructType schema() {
            List<StructField> fields = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                boolean nullable = !c.getType().isPrimitive();
                fields.add(DataTypes.createStructField(column(c.getName()), sqlType(c), nullable));
            }
            return DataTypes.createStructType(fields);
        }

        public Row toRow(R record) {
            RecordComponent[] cs = type.getRecordComponents();
            Object[] values = new Object[cs.length];
            for (int i = 0; i < cs.length; i++) {
                try {
                    Object v = cs[i].getAccessor().invoke(record);
                    values[i] = v instanceof Map<?, ?> m ? scala.jdk.javaapi.CollectionConverters.asScala(m) : v;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return RowFactory.create(values);
        }

        @SuppressWarnings("unchecked")
        public R fromRow(Row row) {
            RecordComponent[] cs = type.getRecordComponents();
            Object[] values = new Object[cs.length];
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) {
                types[i] = cs[i].getType();
                int idx = row.fieldIndex(column(cs[i].getName()));
                Object v = row.isNullAt(idx) ? null : row.get(idx);
                if (v instanceof scala.collection.Map<?, ?> m) {
                    v = Map.copyOf(scala.jdk.javaapi.CollectionConverters.asJava(m));
                }
                values[i] = v;
            }
            try {
                return (R) type.getDeclaredConstructor(types).newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read a " + name + " row: " + row, e);
            }
        }

        /** The MERGE condition on the key columns between aliases t (target) and s (source). */
        public String keyCondition() {
            return String.join(" AND ", keys.stream().map(k -> "t." + k + " = s." + k).toList());
        }
    }

    public static final Table<TrialRow> TRIALS_TABLE = new Table<>(TRIALS, TrialRow.class, List.of("study", "number"));
    public static final Table<TrialRow> STATES_TABLE = new Table<>(STATES, TrialRow.class,
            List.of("study", "number", "seq"));
    public static final Table<EventRow> EVENTS_TABLE = new Table<>(EVENTS, EventRow.class,
            List.of("study", "number", "seq"));
    public static final Table<MetricRow> METRICS_TABLE = new Table<>(METRICS, MetricRow.class,
            List.of("study", "number", "epoch"));

    public static final Table<StudyRow> STUDIES_TABLE = new Table<>(STUDIES, StudyRow.class, List.of("study"));

    public static final Table<UnsentRow> UNSENT_TABLE = new Table<>(UNSENT, UnsentRow.class,
            List.of("study", "trial", "kind", "key", "step"));

    static String column(String camel) {
        return org.smarttuner.config.ConfigPrinter.snake(camel);
    }

    private static DataType sqlType(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == String.class) {
            return DataTypes.StringType;
        }
        if (t == int.class || t == Integer.class) {
            return DataTypes.IntegerType;
        }
        if (t == long.class || t == Long.class) {
            return DataTypes.LongType;
        }
        if (t == double.class || t == Double.class) {
            return DataTypes.DoubleType;
        }
        if (t == Timestamp.class) {
            return DataTypes.TimestampType;
        }
        if (t == Map.class) {
            return DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true);
        }
        throw new IllegalArgumentException("no SQL type for " + t + " (" + c.getName() + ")");
    }
}
