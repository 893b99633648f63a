package org.smarttuner.tts.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.smarttuner.tts.audio.Audio;
import org.smarttuner.tts.audio.WavReader;
import org.smarttuner.tts.audio.WavWriter;

/**
 * The demo corpus: seeded template sentences spoken by espeak-ng (voice en-us), written as
 * 16-bit mono PCM in LJSpeech layout. espeak-ng speaks at 22050 Hz; another rate is made with
 * sox. Needs the {@code espeak-ng} program (and {@code sox} for other rates) on the PATH.
 */
public final class EspeakCorpus {
    public static final int NATIVE_RATE = 22050;
    private static final long TIMEOUT_S = 60;

    private final long seed;
    private final int sampleRate;
    private final String program;

    public EspeakCorpus(long seed, int sampleRate) {
        this(seed, sampleRate, "espeak-ng");
    }

    EspeakCorpus(long seed, int sampleRate, String program) {
        this.seed = seed;
        this.sampleRate = sampleRate;
        this.program = program;
    }

    public static String id(int index) {
        return String.format(Locale.ROOT, "ESP-%06d", index);
    }

    /** The first {@code size} texts (distinct sentences; the list for a smaller size is a prefix). */
    public List<String> texts(int size) {
        return Sentences.distinct(seed, size);
    }

    /** Checks that espeak-ng runs, with an error that says how to install it. */
    public void requireProgram() throws IOException {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(program + " --version failed; reinstall espeak-ng");
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("--version failed")) {
                throw e;
            }
            throw new IOException("the espeak corpus needs the program '" + program + "', which could not be run ("
                    + e.getMessage() + "); install it (Debian/Ubuntu: apt-get install -y espeak-ng sox, "
                    + "or run install.sh) or use the synthetic corpus", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking " + program, e);
        }
    }

    public void write(Path dir, int size) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("corpus size must be at least 1, got " + size);
        }
        requireProgram();
        LjSpeechLayout layout = new LjSpeechLayout(dir);
        Files.createDirectories(dir.resolve(LjSpeechLayout.WAVS));
        Files.deleteIfExists(dir.resolve(CorpusMarker.FILE));
        List<String> lines = new ArrayList<>(size);
        List<String> texts = texts(size);
        for (int i = 0; i < size; i++) {
            String text = texts.get(i);
            Path wav = layout.wav(id(i));
            speak(text, wav);
            lines.add(id(i) + "|" + text + "|" + text);
        }
        Files.write(layout.metadata(), lines);
        CorpusMarker.write(dir, new CorpusMarker("espeak", size, seed, sampleRate));
    }

    private void speak(String text, Path wav) throws IOException {
        Path raw = wav.resolveSibling(wav.getFileName() + ".espeak.tmp");
        try {
            run(List.of(program, "-v", "en-us", "-s", "150", "-w", raw.toString(), text));
            Audio a = WavReader.read(raw);
            if (a.sampleRate() == sampleRate) {
                // rewritten so the data-size field is exact (espeak-ng streams and leaves it open)
                WavWriter.writeIfChanged(wav, a.samples(), sampleRate);
            } else {
                run(List.of("sox", raw.toString(), "-r", Integer.toString(sampleRate), "-b", "16", "-c", "1",
                        wav.toString()));
            }
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    private static void run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("could not run " + command.get(0) + " (" + e.getMessage()
                    + "); install espeak-ng and sox (apt-get install -y espeak-ng sox)", e);
        }
        try {
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in " + TIMEOUT_S + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue() + ": "
                        + output.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }
}
