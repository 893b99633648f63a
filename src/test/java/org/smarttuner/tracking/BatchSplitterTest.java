package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchSplitterTest {

    private static List<Map.Entry<String, String>> entries(String prefix, int n, int valueLength) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Map.entry(prefix + i, "x".repeat(valueLength)));
        }
        return out;
    }

    private static void assertWithinLimits(List<Batch> batches) {
        for (Batch b : batches) {
            assertTrue(b.metrics().size() <= FakeMlflowServer.MAX_METRICS, "metrics " + b.metrics().size());
            assertTrue(b.params().size() <= FakeMlflowServer.MAX_PARAMS, "params " + b.params().size());
            assertTrue(b.tags().size() <= FakeMlflowServer.MAX_TAGS, "tags " + b.tags().size());
            assertTrue(b.size() <= FakeMlflowServer.MAX_ENTITIES, "entities " + b.size());
            long bytes = 0;
            for (Map.Entry<String, String> p : b.params()) {
                bytes += p.getKey().length() + p.getValue().length();
            }
            for (Map.Entry<String, String> t : b.tags()) {
                bytes += t.getKey().length() + t.getValue().length();
            }
            assertTrue(bytes < FakeMlflowServer.MAX_REQUEST_BYTES, "payload " + bytes);
            Set<String> keys = new HashSet<>();
            b.params().forEach(p -> assertTrue(keys.add("p" + p.getKey()), "duplicate param " + p.getKey()));
            b.tags().forEach(t -> assertTrue(keys.add("t" + t.getKey()), "duplicate tag " + t.getKey()));
        }
    }

    @Test
    void countsOverTheLimitsAreSplitAndNothingIsLost() {
        List<MetricPoint> metrics = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            metrics.add(new MetricPoint("m" + (i % 7), i, 1L, i));
        }
        List<Batch> batches = new BatchSplitter().split(metrics, entries("p", 250, 10), entries("t", 150, 10));
        assertWithinLimits(batches);
        assertEquals(2500, batches.stream().mapToInt(b -> b.metrics().size()).sum());
        assertEquals(250, batches.stream().mapToInt(b -> b.params().size()).sum());
        assertEquals(150, batches.stream().mapToInt(b -> b.tags().size()).sum());
        // 2900 entries need at least 3 requests of 1000; params alone need 3 of 100.
        assertTrue(batches.size() >= 3, "batches " + batches.size());
        assertEquals(metrics, batches.stream().flatMap(b -> b.metrics().stream()).toList(), "order kept");
    }

    @Test
    void bigValuesAreSplitByBytes() {
        // 100 params of 6000 chars + 100 tags of 5000 chars = 1.1 MB: fits the counts, not the size.
        List<Batch> batches = new BatchSplitter().split(List.of(), entries("p", 100, 6000), entries("t", 100, 5000));
        assertWithinLimits(batches);
        assertTrue(batches.size() >= 2, "batches " + batches.size());
        assertEquals(200, batches.stream().mapToInt(Batch::size).sum());
    }

    @Test
    void aRepeatedKeyStartsANewBatch() {
        List<Map.Entry<String, String>> tags = List.of(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("a", "3"));
        List<Batch> batches = new BatchSplitter().split(List.of(), List.of(), tags);
        assertEquals(2, batches.size());
        assertWithinLimits(batches);
    }

    @Test
    void jsonBytesCountsEscapesAndMultiByteCharacters() {
        assertEquals(5, BatchSplitter.jsonBytes("abc"));
        assertEquals(4, BatchSplitter.jsonBytes("\""));
        assertEquals(8, BatchSplitter.jsonBytes("\n"));
        assertEquals(5, BatchSplitter.jsonBytes("\u20ac"));
    }
}
