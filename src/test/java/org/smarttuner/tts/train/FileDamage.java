package org.smarttuner.tts.train;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers for damaged files: one changed byte, and what a folder holds. */
public final class FileDamage {
    private FileDamage() {
    }

    /** Changes the byte at {@code at} (as a flipped disk bit or a torn write would). */
    public static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
    }

    /** The names of the files in {@code folder}, sorted. */
    public static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
