package org.smarttuner.tts.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttentionWalkTest {
    /** One row per step, peaked at the given position over a soft floor; {@code width} may exceed the text. */
    static float[][] attending(int width, int... positions) {
        float[][] a = new float[positions.length][width];
        for (int s = 0; s < positions.length; s++) {
            Arrays.fill(a[s], 0.1f / width);
            a[s][positions[s]] = 0.9f;
        }
        return a;
    }

    static int[] diagonal(int n, int hold) {
        int[] p = new int[n * hold];
        for (int i = 0; i < p.length; i++) {
            p[i] = i / hold;
        }
        return p;
    }

    @Test
    void aCleanDiagonalScoresOne() {
        int n = 20;
        float[][] a = attending(n, diagonal(n, 3));
        assertEquals(1.0, AttentionWalk.coverage(a, 3 * n, n), 1e-12);
        assertEquals(1.0, AttentionWalk.order(a, 3 * n, n), 1e-12);
        assertTrue(AttentionWalk.score(a, 3 * n, n) > 0.95);
    }

    @Test
    void attentionStuckOnOnePositionScoresOneOverN() {
        int n = 25;
        int[] stuck = new int[60];
        float[][] a = attending(n, stuck);
        assertTrue(AttentionWalk.score(a, 60, n) <= 1.0 / n + 1e-9);
        assertEquals(1.0, AttentionWalk.order(a, 60, n), 1e-12, "staying is in order; it just covers nothing");
    }

    @Test
    void uniformWeightsScoreNearZero() {
        int n = 50;
        float[][] a = new float[150][n];
        for (float[] row : a) {
            Arrays.fill(row, 1f / n);
        }
        assertTrue(AttentionWalk.score(a, 150, n) <= 1.0 / n + 1e-9, "ties go to position 0: stuck there");
    }

    @Test
    void attentionJumpingAtRandomScoresLow() {
        Random r = new Random(7);
        int n = 30;
        int[] p = new int[120];
        for (int s = 0; s < p.length; s++) {
            p[s] = r.nextInt(n);
        }
        double score = AttentionWalk.score(attending(n, p), 120, n);
        assertTrue(score < 0.3, "score " + score);
    }

    @Test
    void jumpingBackToTheStartIsPenalisedByOrder() {
        int n = 20;
        int[] walk = diagonal(n, 3);
        int[] thenStuck = Arrays.copyOf(walk, 2 * walk.length); // second half: zeros, position 0
        double stuck = AttentionWalk.score(attending(n, thenStuck), thenStuck.length, n);
        assertEquals(1.0, AttentionWalk.coverage(attending(n, thenStuck), thenStuck.length, n), 1e-12);
        assertEquals(0.5, stuck, 1e-12);

        int[] twice = new int[2 * walk.length]; // reads the text again
        System.arraycopy(walk, 0, twice, 0, walk.length);
        System.arraycopy(walk, 0, twice, walk.length, walk.length);
        // Only the second reading's last positions (17, 18, 19: within BACK_WINDOW of the front 19)
        // are in order again: 9 of its 60 steps.
        assertEquals((60 + 9) / 120.0, AttentionWalk.score(attending(n, twice), twice.length, n), 1e-12);
    }

    @Test
    void smallBackStepsWithinTheWindowStillScoreAboutOne() {
        int[] hover = {0, 1, 2, 1, 3, 4, 2, 5, 6, 7, 5, 8, 9, 9, 7, 10, 11};
        float[][] a = attending(12, hover);
        assertEquals(1.0, AttentionWalk.score(a, hover.length, 12), 1e-12);
        int[] tooFar = {0, 1, 2, 3, 4, 5, 6, 2, 7, 8, 9, 10, 11}; // 6 -> 2 is 4 back: out of order, once
        assertEquals(12.0 / 13, AttentionWalk.score(attending(12, tooFar), tooFar.length, 12), 1e-12);
    }

    @Test
    void onlyTheUtterancesOwnStepsAndTextCount() {
        int n = 10;
        int[] p = Arrays.copyOf(diagonal(n, 2), 2 * n + 15); // 15 padded steps at position 0
        float[][] a = attending(n + 6, p); // 6 padded text columns
        for (int s = 0; s < a.length; s++) {
            a[s][n + 2] = 5f; // padding columns are ignored even when they hold the largest weight
        }
        assertEquals(1.0, AttentionWalk.score(a, 2 * n, n), 1e-12);
        assertTrue(AttentionWalk.score(a, a.length, n) < 0.6, "the padded steps would count as jumps back");
    }

    @Test
    void jumpingTooFarAheadIsOutOfOrderAndDoesNotMoveTheFront() {
        int[] p = {0, 1, 5, 2, 3, 4, 5, 6, 7}; // 1 -> 5 jumps 4 ahead
        float[][] a = attending(8, p);
        assertEquals(8.0 / 9, AttentionWalk.order(a, p.length, 8), 1e-12);
        assertEquals(1.0, AttentionWalk.coverage(a, p.length, 8), 1e-12);
    }

    @Test
    void badInputsAreRefused() {
        float[][] a = attending(5, 0, 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionWalk.score(a, 3, 0));
        assertTrue(e.getMessage().contains("empty text: nothing to attend to"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionWalk.score(a, 0, 5));
        assertTrue(e.getMessage().contains("allowed are 1..3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionWalk.score(a, 4, 5));
        assertTrue(e.getMessage().contains("allowed are 1..3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionWalk.score(a, 3, 6));
        assertTrue(e.getMessage().contains("must not exceed the row width"), e.getMessage());
    }
}
