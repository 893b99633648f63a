package org.smarttuner.tts.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A folder in LJSpeech layout: {@code metadata.csv} (UTF-8, one {@code id|text|normalized text}
 * row per line, no header, no quoting) and {@code wavs/<id>.wav}.
 */
public final class LjSpeechLayout {
    public static final String METADATA = "metadata.csv";
    public static final String WAVS = "wavs";

    private final Path dir;

    public LjSpeechLayout(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path metadata() {
        return dir.resolve(METADATA);
    }

    public Path wav(String id) {
        return dir.resolve(WAVS).resolve(id + ".wav");
    }

    public boolean exists() {
        return Files.isRegularFile(metadata());
    }

    /** Rows and malformed lines of metadata.csv, at most {@code limit} rows. */
    public record Contents(List<MetadataRow> rows, List<BadRow> malformed) {
    }

    /**
     * @throws IOException when metadata.csv is missing or not UTF-8 text, with the path and the expected layout
     */
    public Contents read(int limit) throws IOException {
        Path file = metadata();
        List<MetadataRow> rows = new ArrayList<>();
        List<BadRow> bad = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null && rows.size() < limit) {
                n++;
                if (n == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                String id = f[0].strip();
                if (f.length < 2 || f.length > 3 || id.isEmpty() || !id.matches("[A-Za-z0-9._-]+")) {
                    bad.add(new BadRow(file.toString(), n, id.length() > 40 ? id.substring(0, 40) : id,
                            BadRowKind.MALFORMED_ROW, "expected id|text|normalized text with an id of letters, digits, "
                            + "'.', '_' or '-', got " + f.length + " field(s)"));
                    continue;
                }
                if (!seen.add(id)) {
                    bad.add(new BadRow(file.toString(), n, id, BadRowKind.DUPLICATE_ID, "id already used on an earlier line"));
                    continue;
                }
                rows.add(new MetadataRow(n, id, f[1], f.length > 2 ? f[2] : ""));
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null,
                    "no metadata.csv: a dataset folder needs metadata.csv (id|text|normalized text) and wavs/<id>.wav");
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text", e);
        }
        return new Contents(rows, bad);
    }
}
