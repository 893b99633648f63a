package org.smarttuner.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.smarttuner.tts.audio.MelFrames;

/**
 * A log-mel spectrogram as a PNG: frames left to right, low bands at the bottom. Two mels drawn on
 * one value range (the recorded mel's) can be compared by eye: the same colour is the same level.
 */
final class MelImage {
    private static final int FRAME_PX = 3;
    private static final int BAND_PX = 2;

    private MelImage() {
    }

    /** The lowest and highest value of a mel, the range to draw it and its companion on. */
    static float[] range(MelFrames mel) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : mel.mel()) {
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return lo < hi ? new float[] {lo, hi} : new float[] {lo, lo + 1};
    }

    static byte[] png(MelFrames mel, float[] range) {
        int w = Math.max(1, mel.frames()) * FRAME_PX;
        int h = mel.nMels() * BAND_PX;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        float span = range[1] - range[0];
        for (int t = 0; t < mel.frames(); t++) {
            for (int m = 0; m < mel.nMels(); m++) {
                float v = (mel.at(m, t) - range[0]) / span;
                int rgb = colour(Float.isFinite(v) ? Math.max(0f, Math.min(1f, v)) : 0f);
                for (int dx = 0; dx < FRAME_PX; dx++) {
                    for (int dy = 0; dy < BAND_PX; dy++) {
                        img.setRGB(t * FRAME_PX + dx, (mel.nMels() - 1 - m) * BAND_PX + dy, rgb);
                    }
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Dark blue through teal to pale yellow: a perceptually ordered ramp that prints in grey too. */
    private static int colour(float x) {
        int r = (int) (255 * Math.min(1, Math.max(0, 1.6 * x - 0.45)));
        int g = (int) (255 * Math.min(1, 0.15 + 0.85 * x));
        int b = (int) (255 * Math.min(1, Math.max(0, 0.45 + 0.6 * x - 0.75 * x * x)));
        return r << 16 | g << 8 | b;
    }
}
