package org.smarttuner.tts.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.smarttuner.tts.audio.WavWriter;

/**
 * A corpus Tacotron2 can learn in minutes on a CPU: each letter of a 12-letter alphabet is a
 * steady two-partial tone (its own pair of frequencies, spread over the mel range) lasting its
 * own number of hops (3 to 7), a space is a short silence. Utterances are 5 to 28 symbols of
 * short "words", so at most {@value #MAX_FRAMES} mel frames at hop 256. Item {@code i} depends
 * only on (seed, i), so a corpus of size 200 starts with the corpus of size 100.
 *
 * <p>Written in LJSpeech layout (metadata.csv, wavs/) as 16-bit mono PCM.
 */
public final class SyntheticCorpus {
    public static final String ALPHABET = "abcdefghijkl";
    public static final int MIN_SYMBOLS = 5;
    public static final int MAX_SYMBOLS = 28;
    /** Reference hop (Tacotron2's 256 samples at 22050 Hz) that symbol durations are counted in. */
    public static final int HOP = 256;
    public static final int REFERENCE_RATE = 22050;
    public static final int MAX_FRAMES = MAX_SYMBOLS * 7 + 1;
    private static final int SPACE_HOPS = 3;
    private static final double AMPLITUDE = 0.25;
    /** A faint deterministic noise floor, so silence is not pinned at the log floor. */
    private static final double NOISE = 0.002;

    private final long seed;
    private final int sampleRate;

    public SyntheticCorpus(long seed, int sampleRate) {
        if (sampleRate < 8000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " is below 8000 Hz");
        }
        this.seed = seed;
        this.sampleRate = sampleRate;
    }

    /** Frequencies (Hz) of a letter's two partials: low partial 250-1900 Hz, high 2100-6500 Hz, never shared. */
    public static double[] partials(int letter) {
        double low = 250 * Math.pow(1.2, letter);
        double high = 2100 * Math.pow(1.1, (letter * 5) % ALPHABET.length());
        return new double[] {low, high};
    }

    /** How many reference hops a letter lasts. */
    public static int hops(int letter) {
        return 3 + (letter * 3) % 5;
    }

    /** The text of item {@code index}: words of 2-5 letters separated by single spaces. */
    public String text(int index) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + index);
        int length = MIN_SYMBOLS + r.nextInt(MAX_SYMBOLS - MIN_SYMBOLS + 1);
        StringBuilder sb = new StringBuilder(length);
        int word = 0;
        int wordLength = 2 + r.nextInt(4);
        while (sb.length() < length) {
            if (word == wordLength && sb.length() < length - 1) {
                sb.append(' ');
                word = 0;
                wordLength = 2 + r.nextInt(4);
            } else {
                sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                word++;
            }
        }
        return sb.toString();
    }

    public static String id(int index) {
        return String.format(Locale.ROOT, "SYN-%06d", index);
    }

    /** Renders a text of alphabet letters and spaces; anything else is refused. */
    public float[] render(String text, int index) {
        double hop = (double) HOP * sampleRate / REFERENCE_RATE;
        int total = 0;
        for (char c : text.toCharArray()) {
            total += (int) Math.round(hop * duration(c));
        }
        float[] out = new float[total];
        Random noise = new Random(seed ^ (0xA5A5A5A5L + index));
        int fade = Math.max(1, sampleRate / 200);
        int at = 0;
        for (char c : text.toCharArray()) {
            int n = (int) Math.round(hop * duration(c));
            if (c != ' ') {
                double[] f = partials(ALPHABET.indexOf(c));
                for (int i = 0; i < n; i++) {
                    double env = Math.min(1.0, Math.min(i, n - 1 - i) / (double) fade);
                    double t = (double) i / sampleRate;
                    out[at + i] = (float) (AMPLITUDE * env * (Math.sin(2 * Math.PI * f[0] * t)
                            + 0.6 * Math.sin(2 * Math.PI * f[1] * t)));
                }
            }
            at += n;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] += (float) (NOISE * noise.nextGaussian());
        }
        return out;
    }

    private static int duration(char c) {
        if (c == ' ') {
            return SPACE_HOPS;
        }
        int letter = ALPHABET.indexOf(c);
        if (letter < 0) {
            throw new IllegalArgumentException("'" + c + "' is not in the synthetic alphabet " + ALPHABET + " or a space");
        }
        return hops(letter);
    }

    /** Writes items 0..size-1 into {@code dir} in LJSpeech layout, replacing metadata.csv. */
    public void write(Path dir, int size) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("corpus size must be at least 1, got " + size);
        }
        LjSpeechLayout layout = new LjSpeechLayout(dir);
        Files.createDirectories(dir.resolve(LjSpeechLayout.WAVS));
        // the marker is written last: a corpus interrupted half way is regenerated, not trusted
        Files.deleteIfExists(dir.resolve(CorpusMarker.FILE));
        List<String> lines = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String text = text(i);
            WavWriter.writeIfChanged(layout.wav(id(i)), render(text, i), sampleRate);
            lines.add(id(i) + "|" + text + "|" + text);
        }
        Files.write(layout.metadata(), lines);
        CorpusMarker.write(dir, new CorpusMarker("synthetic", size, seed, sampleRate));
    }
}
