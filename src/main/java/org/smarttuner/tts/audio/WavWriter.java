package org.smarttuner.tts.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes mono 16-bit PCM WAV (what LJSpeech and Tacotron2 use); samples outside [-1, 1] are clipped. */
public final class WavWriter {
    private WavWriter() {
    }

    public static void write(Path file, float[] samples, int sampleRate) throws IOException {
        Files.write(file, encode(samples, sampleRate));
    }

    /**
     * Writes the file unless it already holds exactly these bytes, so regenerating a corpus keeps
     * unchanged files' modification times (and with them their cached features).
     *
     * @return whether the file was written
     */
    public static boolean writeIfChanged(Path file, float[] samples, int sampleRate) throws IOException {
        byte[] bytes = encode(samples, sampleRate);
        if (Files.isRegularFile(file) && Files.size(file) == bytes.length
                && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return false;
        }
        Files.write(file, bytes);
        return true;
    }

    /** The whole WAV file as bytes (for a report that embeds it). */
    public static byte[] encode(float[] samples, int sampleRate) {
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes);
        b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16);
        b.putShort((short) 1).putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2);
        b.putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (float s : samples) {
            float c = Math.max(-1f, Math.min(1f, s));
            b.putShort((short) Math.round(c * 32767f));
        }
        return b.array();
    }
}
