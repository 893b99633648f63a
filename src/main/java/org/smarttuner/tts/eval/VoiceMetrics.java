package org.smarttuner.tts.eval;

import java.io.Serializable;

/**
 * Free-running voice metrics of one epoch, means over the utterances synthesized: MCD-DTW in dB,
 * MCD-DTW with the speech-length penalty ({@link UtteranceVoice#mcdSl()}), stop error, share of
 * utterances whose gate fired, and attention walk score.
 *
 * <p>Synthesis is slower than a teacher-forced step, so it does not run every epoch; {@link #NONE}
 * (all NaN, 0 utterances) says "not measured this epoch", which is not the same as a bad voice.
 */
public record VoiceMetrics(double mcd, double mcdSl, double stopError, double stopRate, double attention,
        int utterances) implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Not measured this epoch. */
    public static final VoiceMetrics NONE = new VoiceMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, 0);

    public boolean measured() {
        return utterances > 0;
    }

    /** One line for logs and summaries: "mcd 4.12 dB, stop error 0.081, stopped 94%, attention 0.912 (18 utterances)". */
    public String describe() {
        if (!measured()) {
            return "not measured";
        }
        return String.format(java.util.Locale.ROOT, "mcd %.2f dB (with length penalty %.2f), stop error %.3f, "
                + "stopped %.0f%%, attention %.3f (%d utterances)", mcd, mcdSl, stopError, 100 * stopRate, attention,
                utterances);
    }

    /** Sums per-utterance metrics into their means; not thread-safe (one per synthesis loop). */
    public static final class Accumulator {
        private double mcd;
        private double mcdSl;
        private double stopError;
        private int stopped;
        private double attention;
        private int utterances;

        public void add(UtteranceVoice v) {
            mcd += v.mcd();
            mcdSl += v.mcdSl();
            stopError += v.stopError();
            stopped += v.stopped() ? 1 : 0;
            attention += v.attention();
            utterances++;
        }

        /** The means so far; {@link #NONE} when nothing was added. */
        public VoiceMetrics result() {
            if (utterances == 0) {
                return NONE;
            }
            double n = utterances;
            return new VoiceMetrics(mcd / n, mcdSl / n, stopError / n, stopped / n, attention / n, utterances);
        }
    }
}
