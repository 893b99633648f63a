package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.smarttuner.tts.data.Batch;

/** Attention alignment as a PNG: decoder steps left to right, text positions bottom to top, weight as brightness. */
public final class AlignmentImage {
    private AlignmentImage() {
    }

    /** The first utterance's alignment cropped to its real steps and tokens, as [step][token]. */
    static float[][] first(NDArray alignments, Batch batch, int framesPerStep) {
        int textLen = (int) batch.textLengths().toLongArray()[0];
        int steps = (int) Math.min(alignments.getShape().get(1),
                (batch.melLengths().toLongArray()[0] + framesPerStep - 1) / framesPerStep);
        float[] a = alignments.get("0, :" + steps + ", :" + textLen).toFloatArray();
        float[][] out = new float[steps][textLen];
        for (int s = 0; s < steps; s++) {
            System.arraycopy(a, s * textLen, out[s], 0, textLen);
        }
        return out;
    }

    public static void write(float[][] alignment, Path file) throws IOException {
        if (alignment.length == 0 || alignment[0].length == 0) {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image(alignment), "png", file.toFile());
    }

    /** The PNG file's bytes (for a report that embeds it); at least one step and one token. */
    public static byte[] png(float[][] alignment) {
        if (alignment.length == 0 || alignment[0].length == 0) {
            throw new IllegalArgumentException("an alignment image needs at least one decoder step and one token");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            ImageIO.write(image(alignment), "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static BufferedImage image(float[][] alignment) {
        int steps = alignment.length;
        int tokens = alignment[0].length;
        int scale = Math.max(1, Math.min(12, 600 / Math.max(steps, tokens)));
        BufferedImage img = new BufferedImage(steps * scale, tokens * scale, BufferedImage.TYPE_INT_RGB);
        for (int s = 0; s < steps; s++) {
            for (int t = 0; t < tokens; t++) {
                float w = Math.max(0f, Math.min(1f, alignment[s][t]));
                int v = (int) (255 * Math.sqrt(w));
                int rgb = (v / 3) << 16 | v << 8 | Math.min(255, 40 + v);
                for (int dx = 0; dx < scale; dx++) {
                    for (int dy = 0; dy < scale; dy++) {
                        img.setRGB(s * scale + dx, (tokens - 1 - t) * scale + dy, rgb);
                    }
                }
            }
        }
        return img;
    }
}
