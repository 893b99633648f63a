package org.smarttuner.tts.eval;

/**
 * How well free-running attention walks through the text: once, in order, to the end.
 *
 * <p>The alignment is {@code [decoderSteps][textPositions]}; only the first {@code steps} rows
 * (the utterance's own generated steps) and the first {@code textLength} columns (its real text
 * positions, N of them; wider rows are padding) count. Definition:
 * <ol>
 *   <li>Each step attends to its argmax over positions 0..N-1 (ties go to the first position;
 *       NaN weights are ignored, and a step with no comparable weight attends nowhere).</li>
 *   <li>A <em>front</em>, the furthest position reached in order, starts at -1. A step whose
 *       position p satisfies {@code front - BACK_WINDOW <= p <= front + MAX_JUMP} is <em>in
 *       order</em>: p is marked visited and {@code front = max(front, p)}. Any other step is out
 *       of order and moves nothing.</li>
 *   <li>{@code coverage} = distinct visited positions / N; {@code order} = in-order steps /
 *       steps; {@code score = coverage * order}.</li>
 * </ol>
 * A clean diagonal scores about 1. Attention stuck on one position scores 1/N (order 1, coverage
 * 1/N). Attention that jumps at random scores low, because few steps land near the front. A walk
 * to the end that then jumps back and lingers (or reads the text again) keeps its coverage but
 * loses order for every step after the jump. The back window lets attention hover a little
 * (a step back of up to 2 positions is normal for a monotonic-enough Tacotron2 alignment); the
 * jump limit lets it skip a few short symbols (a space, punctuation) without being called lost.
 */
public final class AttentionWalk {
    /** How far behind the front a step may look and still be in order. */
    public static final int BACK_WINDOW = 2;
    /** How far ahead of the front a step may jump and still be in order. */
    public static final int MAX_JUMP = 3;

    private AttentionWalk() {
    }

    /** {@code coverage * order}, in [0, 1]: 1 for a clean walk through the whole text. */
    public static double score(float[][] alignment, int steps, int textLength) {
        Walk w = walk(alignment, steps, textLength);
        return w.coverage() * w.order();
    }

    /** Distinct positions visited in order, over the text length. */
    public static double coverage(float[][] alignment, int steps, int textLength) {
        return walk(alignment, steps, textLength).coverage();
    }

    /** In-order steps over all steps. */
    public static double order(float[][] alignment, int steps, int textLength) {
        return walk(alignment, steps, textLength).order();
    }

    private record Walk(double coverage, double order) {
    }

    private static Walk walk(float[][] alignment, int steps, int textLength) {
        check(alignment, steps, textLength);
        boolean[] visited = new boolean[textLength];
        int distinct = 0;
        int inOrder = 0;
        int front = -1;
        for (int s = 0; s < steps; s++) {
            int p = argmax(alignment[s], textLength);
            if (p < 0 || p < front - BACK_WINDOW || p > front + MAX_JUMP) {
                continue;
            }
            inOrder++;
            if (!visited[p]) {
                visited[p] = true;
                distinct++;
            }
            front = Math.max(front, p);
        }
        return new Walk((double) distinct / textLength, (double) inOrder / steps);
    }

    /** First index of the largest weight among the first n; -1 when none compares (all NaN). */
    private static int argmax(float[] row, int n) {
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (row[i] > max || (best < 0 && row[i] == max)) {
                max = row[i];
                best = i;
            }
        }
        return best;
    }

    private static void check(float[][] alignment, int steps, int textLength) {
        if (textLength < 1) {
            throw new IllegalArgumentException("text length is " + textLength
                    + ": empty text: nothing to attend to (the text needs at least 1 position)");
        }
        if (alignment == null) {
            throw new IllegalArgumentException("no alignment given");
        }
        if (steps < 1 || steps > alignment.length) {
            throw new IllegalArgumentException("steps is " + steps + ": allowed are 1.." + alignment.length
                    + " (the alignment's decoder steps)");
        }
        for (int s = 0; s < steps; s++) {
            if (alignment[s] == null || alignment[s].length < textLength) {
                throw new IllegalArgumentException("alignment row " + s + " has "
                        + (alignment[s] == null ? "no values" : alignment[s].length + " text positions")
                        + ": the text length " + textLength + " must not exceed the row width");
            }
        }
    }
}
