package org.smarttuner.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.smarttuner.tts.data.EspeakCorpus;
import org.smarttuner.tts.data.SyntheticCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a built-in corpus in LJSpeech layout. */
@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = {"Write a built-in corpus in LJSpeech layout (metadata.csv, wavs/), 16-bit mono PCM.",
            "synthetic: a learnable tone language (12 letters, each its own two-tone sound and length);",
            "Tacotron2 aligns it in minutes on a CPU. espeak: English sentences spoken by espeak-ng",
            "(needs espeak-ng, and sox for rates other than 22050 Hz)."})
final class CorpusCommand implements Callable<Integer> {
    enum Kind {
        synthetic, espeak
    }

    @Parameters(index = "0", paramLabel = "KIND", description = "synthetic or espeak")
    Kind kind;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (created if missing).")
    Path out;

    @Option(names = "--size", defaultValue = "200", paramLabel = "N", description = "Number of utterances (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "S", description = "Seed of the texts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sample-rate", defaultValue = "22050", paramLabel = "HZ", description = "Sample rate (default: ${DEFAULT-VALUE}).")
    int sampleRate;

    @Option(names = "--force", description = "Overwrite a folder that holds another dataset's metadata.csv.")
    boolean force;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (size < 1) {
            throw new UsageException("--size must be at least 1, got " + size);
        }
        if (sampleRate < 8000 || sampleRate > 192_000) {
            throw new UsageException("--sample-rate must be between 8000 and 192000 Hz, got " + sampleRate);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException("--out " + out + " is a file, not a folder");
        }
        if (!force && Files.isRegularFile(out.resolve("metadata.csv")) && !Files.isRegularFile(out.resolve("corpus.properties"))) {
            throw new UsageException("--out " + out + " already holds a dataset that smart-tuner did not generate "
                    + "(metadata.csv without corpus.properties); pick another folder or pass --force");
        }
        long start = System.nanoTime();
        switch (kind) {
            case synthetic -> new SyntheticCorpus(seed, sampleRate).write(out, size);
            case espeak -> new EspeakCorpus(seed, sampleRate).write(out, size);
            default -> throw new IllegalStateException(kind.name());
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote the %s corpus: %d utterances at %d Hz in %s (%.1f s)%n",
                kind, size, sampleRate, out, (System.nanoTime() - start) / 1e9);
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
