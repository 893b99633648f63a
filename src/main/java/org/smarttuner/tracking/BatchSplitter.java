package org.smarttuner.tracking;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts metrics, params and tags into log-batch requests that a server takes: at most 1000 metrics,
 * 100 params, 100 tags, 1000 entities and well under 1 MB each, and never the same param or tag key
 * twice in one request (the server refuses duplicates). Params go first so a run has them before
 * its metrics.
 */
final class BatchSplitter {
    private static final int METRIC_OVERHEAD = 120;
    private static final int KV_OVERHEAD = 40;

    private final int maxMetrics;
    private final int maxParams;
    private final int maxTags;
    private final int maxEntities;
    private final int maxBytes;

    BatchSplitter() {
        this(Limits.BATCH_METRICS, Limits.BATCH_PARAMS, Limits.BATCH_TAGS, Limits.BATCH_ENTITIES, Limits.BATCH_BYTES);
    }

    BatchSplitter(int maxMetrics, int maxParams, int maxTags, int maxEntities, int maxBytes) {
        this.maxMetrics = maxMetrics;
        this.maxParams = maxParams;
        this.maxTags = maxTags;
        this.maxEntities = maxEntities;
        this.maxBytes = maxBytes;
    }

    List<Batch> split(List<MetricPoint> metrics, List<Map.Entry<String, String>> params,
                      List<Map.Entry<String, String>> tags) {
        Builder b = new Builder();
        for (Map.Entry<String, String> p : params) {
            int bytes = KV_OVERHEAD + jsonBytes(p.getKey()) + jsonBytes(p.getValue());
            if (b.params.size() >= maxParams || b.full(bytes) || b.paramKeys.contains(p.getKey())) {
                b.cut();
            }
            b.params.add(p);
            b.paramKeys.add(p.getKey());
            b.bytes += bytes;
        }
        for (Map.Entry<String, String> t : tags) {
            int bytes = KV_OVERHEAD + jsonBytes(t.getKey()) + jsonBytes(t.getValue());
            if (b.tags.size() >= maxTags || b.full(bytes) || b.tagKeys.contains(t.getKey())) {
                b.cut();
            }
            b.tags.add(t);
            b.tagKeys.add(t.getKey());
            b.bytes += bytes;
        }
        for (MetricPoint m : metrics) {
            int bytes = METRIC_OVERHEAD + jsonBytes(m.key());
            if (b.metrics.size() >= maxMetrics || b.full(bytes)) {
                b.cut();
            }
            b.metrics.add(m);
            b.bytes += bytes;
        }
        b.cut();
        return List.copyOf(b.done);
    }

    private final class Builder {
        final List<Batch> done = new ArrayList<>();
        List<MetricPoint> metrics = new ArrayList<>();
        List<Map.Entry<String, String>> params = new ArrayList<>();
        List<Map.Entry<String, String>> tags = new ArrayList<>();
        final Set<String> paramKeys = new HashSet<>();
        final Set<String> tagKeys = new HashSet<>();
        int bytes = 64;

        boolean full(int more) {
            int count = metrics.size() + params.size() + tags.size();
            return count >= maxEntities || (count > 0 && bytes + more > maxBytes);
        }

        void cut() {
            if (metrics.isEmpty() && params.isEmpty() && tags.isEmpty()) {
                return;
            }
            done.add(new Batch(metrics, params, tags));
            metrics = new ArrayList<>();
            params = new ArrayList<>();
            tags = new ArrayList<>();
            paramKeys.clear();
            tagKeys.clear();
            bytes = 64;
        }
    }

    /** Bytes the string takes inside a JSON document (UTF-8, with escapes). */
    static int jsonBytes(String s) {
        int n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                n += 2;
            } else if (c < 0x20) {
                n += 6;
            } else if (c < 0x80) {
                n += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                n += 2;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
