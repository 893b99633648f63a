package org.smarttuner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's classpath and JVM flags start the real parts: local Spark with Delta, and DJL's PyTorch engine offline. */
class PlatformSmokeTest {

    @Test
    void localSparkWritesAndReadsADeltaTable(@TempDir Path dir) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("smoke")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        try {
            String path = dir.resolve("t").toString();
            spark.range(5).write().format("delta").save(path);
            Dataset<Row> back = spark.read().format("delta").load(path);
            assertEquals(5, back.count());
            assertEquals(10L, back.selectExpr("sum(id)").first().getLong(0));
        } finally {
            spark.stop();
        }
    }

    @Test
    void djlPyTorchEngineRunsOfflineOnCpu() {
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            assertArrayEquals(new float[] {7, 10, 15, 22}, a.matMul(a).toFloatArray());
        }
    }
}
