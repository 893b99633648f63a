package org.smarttuner.tts.data;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepared datasets kept per JVM (one executor runs many trials on the same data): the first
 * trial prepares (and logs the one summary line), later ones get the same immutable object.
 * Keyed by the whole {@link DataSettings}; holds at most {@value #CAPACITY} datasets, so a study
 * that tunes audio settings does not keep every variant in memory.
 */
public final class PreparedDatasets {
    static final int CAPACITY = 2;
    private static final Logger LOG = LoggerFactory.getLogger(PreparedDatasets.class);
    private static final Map<DataSettings, PreparedDataset> CACHE = new LinkedHashMap<>(4, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<DataSettings, PreparedDataset> eldest) {
            return size() > CAPACITY;
        }
    };

    private PreparedDatasets() {
    }

    /** The prepared dataset for these settings, prepared now if this JVM has not got it. */
    public static synchronized PreparedDataset get(DataSettings settings) throws IOException {
        PreparedDataset p = CACHE.get(settings);
        if (p == null) {
            p = DatasetPreparer.prepare(settings);
            LOG.info(p.report().summary());
            for (BadRow b : p.report().examples()) {
                LOG.info("  skipped {}", b.describe());
            }
            CACHE.put(settings, p);
        }
        return p;
    }

    /** Forgets every dataset (tests, or an executor told to free memory). */
    public static synchronized void clear() {
        CACHE.clear();
    }
}
