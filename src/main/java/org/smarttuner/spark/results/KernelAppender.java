package org.smarttuner.spark.results;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends rows to a Delta table with Delta Kernel: one Parquet file and one commit, written by the
 * driver itself, without a Spark job. A Spark append of a few hundred rows costs 0.6-2 s on a busy
 * driver (planning, three snapshot jobs, the write job, post-commit hooks); this costs a tenth of
 * that, which is what keeps a segment's wait to be recorded short. The tables stay plain Delta tables
 * (Spark, notebooks and Databricks read them as before); Kernel writes a log checkpoint at the table's
 * checkpoint interval, and {@link DeltaResultStore} compacts the small files with Spark's OPTIMIZE.
 *
 * <p>Idempotent per writer and batch, as Spark's {@code txnAppId}/{@code txnVersion}: the commit
 * carries a SetTransaction (writer id, version), and a batch whose version that writer already
 * committed to the table is skipped, so a retried batch lands once.
 */
final class KernelAppender {
    private static final Logger LOG = LoggerFactory.getLogger(KernelAppender.class);
    private static final String ENGINE_INFO = "smart-tuner";

    private final Engine engine;

    KernelAppender(Configuration hadoopConf) {
        this.engine = DefaultEngine.create(hadoopConf);
    }

    /**
     * Appends {@code rows} to the table at {@code path} as one commit.
     *
     * @return the commit's version, or empty when this writer's {@code version} was already committed there
     */
    <R extends Record> Optional<Long> append(String path, ResultTables.Table<R> table, Collection<R> rows,
                                             String writerId, long version) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Table t = Table.forPath(engine, path);
        TransactionBuilder builder = t.createTransactionBuilder(engine, ENGINE_INFO, Operation.WRITE)
                .withTransactionId(engine, writerId, version);
        Transaction txn;
        try {
            txn = builder.build(engine);
        } catch (ConcurrentTransactionException e) {
            return Optional.empty(); // a retry of a batch that reached this table before: already there
        }
        Row state = txn.getTransactionState(engine);
        StructType schema = txn.getSchema(engine);
        ColumnarBatch data = batch(schema, table, rows);
        CloseableIterator<FilteredColumnarBatch> logical = single(new FilteredColumnarBatch(data, Optional.empty()));
        CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(engine, state, logical,
                Map.of());
        DataWriteContext ctx = Transaction.getWriteContext(engine, state, Map.of());
        TransactionCommitResult result;
        try {
            CloseableIterator<DataFileStatus> files = engine.getParquetHandler().writeParquetFiles(
                    ctx.getTargetDirectory(), physical, ctx.getStatisticsColumns());
            CloseableIterator<Row> actions = Transaction.generateAppendActions(engine, state, files, ctx);
            result = txn.commit(engine, CloseableIterable.inMemoryIterable(actions));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + rows.size() + " rows to the Delta table " + path, e);
        }
        for (PostCommitHook hook : result.getPostCommitHooks()) {
            try {
                hook.threadSafeInvoke(engine); // the log checkpoint every 10 commits, the version checksum
            } catch (IOException | RuntimeException e) {
                // the commit stands; a reader replays a few more JSON commits until the next checkpoint
                LOG.warn("Delta {} of {} version {} failed: {}", hook.getType(), path, result.getVersion(),
                        e.toString());
            }
        }
        return Optional.of(result.getVersion());
    }

    /** The rows as Kernel's columnar batch, in the table's column order (the columns are matched by name). */
    private static <R extends Record> ColumnarBatch batch(StructType schema, ResultTables.Table<R> table,
                                                          Collection<R> rows) {
        RecordComponent[] components = table.type().getRecordComponents();
        List<R> list = new ArrayList<>(rows);
        List<ColumnVector> columns = new ArrayList<>();
        for (int c = 0; c < schema.length(); c++) {
            String name = schema.at(c).getName();
            RecordComponent component = null;
            for (RecordComponent rc : components) {
                if (ResultTables.column(rc.getName()).equals(name)) {
                    component = rc;
                }
            }
            Object[] values = new Object[list.size()];
            if (component != null) { // a column the record lacks (added by a later version) stays null
                for (int r = 0; r < values.length; r++) {
                    try {
                        values[r] = component.getAccessor().invoke(list.get(r));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("cannot read " + component.getName() + " of a " + table.name()
                                + " row", e);
                    }
                }
            } else if (!schema.at(c).isNullable()) {
                throw new IllegalStateException("the Delta table " + table.name() + " has a required column `" + name
                        + "` that this version does not write");
            }
            columns.add(new Values(schema.at(c).getDataType(), values));
        }
        return new Batch(schema, columns, list.size());
    }

    /** One column of values held as Java objects: String, Integer, Long, Double, Timestamp or a string map. */
    private record Values(DataType type, Object[] values) implements ColumnVector {
        @Override
        public DataType getDataType() {
            return type;
        }

        @Override
        public int getSize() {
            return values.length;
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isNullAt(int row) {
            return values[row] == null;
        }

        @Override
        public int getInt(int row) {
            return (Integer) values[row];
        }

        @Override
        public long getLong(int row) {
            Object v = values[row];
            if (v instanceof Timestamp ts) { // Delta's timestamp: microseconds since the epoch, UTC
                return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000L + ts.getNanos() / 1000;
            }
            return ((Number) v).longValue();
        }

        @Override
        public double getDouble(int row) {
            return ((Number) values[row]).doubleValue();
        }

        @Override
        public String getString(int row) {
            return (String) values[row];
        }

        @Override
        public MapValue getMap(int row) {
            Map<?, ?> m = (Map<?, ?>) values[row];
            Object[] keys = new Object[m.size()];
            Object[] vals = new Object[m.size()];
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                keys[i] = e.getKey() == null ? null : e.getKey().toString();
                vals[i] = e.getValue() == null ? null : e.getValue().toString();
                i++;
            }
            io.delta.kernel.types.MapType mt = (io.delta.kernel.types.MapType) type;
            ColumnVector kv = new Values(mt.getKeyType(), keys);
            ColumnVector vv = new Values(mt.getValueType(), vals);
            int size = keys.length;
            return new MapValue() {
                @Override
                public int getSize() {
                    return size;
                }

                @Override
                public ColumnVector getKeys() {
                    return kv;
                }

                @Override
                public ColumnVector getValues() {
                    return vv;
                }
            };
        }
    }

    private record Batch(StructType schema, List<ColumnVector> columns, int size) implements ColumnarBatch {
        @Override
        public StructType getSchema() {
            return schema;
        }

        @Override
        public ColumnVector getColumnVector(int ordinal) {
            return columns.get(ordinal);
        }

        @Override
        public int getSize() {
            return size;
        }
    }

    private static <T> CloseableIterator<T> single(T item) {
        return new CloseableIterator<>() {
            private boolean taken;

            @Override
            public boolean hasNext() {
                return !taken;
            }

            @Override
            public T next() {
                if (taken) {
                    throw new NoSuchElementException();
                }
                taken = true;
                return item;
            }

            @Override
            public void close() {
            }
        };
    }
}
