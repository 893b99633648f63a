package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The overhead figures of a long study come from a bounded sample and still tell the median and p95. */
class OverheadStatsTest {

    @Test
    void aLongStudyIsSampledNotKeptWhole() {
        OverheadStats s = new OverheadStats();
        int n = 60_000;
        for (int i = 0; i < n; i++) {
            long end = 1_000_000L + i;
            // submit->start 0..999 ms uniformly (in a shuffled order); end->recorded twice that
            long wait = (i * 7919L) % 1000;
            s.add(end - 5000 - wait, end - 5000, end, end + 2 * wait);
            s.addMirrored(end, end + 2 * wait + 1);
        }
        long[] f = s.figures();
        assertEquals(n, f[4], "every segment counted");
        assertTrue(Math.abs(f[0] - 500) < 25, "median submit->start ~500: " + f[0]);
        assertTrue(Math.abs(f[1] - 950) < 25, "p95 submit->start ~950: " + f[1]);
        assertTrue(Math.abs(f[3] - 1900) < 50, "p95 end->recorded ~1900: " + f[3]);
        assertTrue(s.describe().contains("(60000 segments)"), s.describe());
    }
}
