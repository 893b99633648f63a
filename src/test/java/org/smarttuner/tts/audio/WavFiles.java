package org.smarttuner.tts.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds WAV bytes of any encoding by hand, so the reader is tested against the format, not against our writer. */
final class WavFiles {
    private WavFiles() {
    }

    /** frames[i][c]: sample i of channel c in [-1, 1]. */
    static byte[] wav(int format, int bits, int rate, double[][] frames, boolean extensible, boolean junkChunk) {
        int channels = frames.length == 0 ? 1 : frames[0].length;
        int bytesPerSample = bits / 8;
        int dataBytes = frames.length * channels * bytesPerSample;
        int fmtSize = extensible ? 40 : 16;
        int junk = junkChunk ? 8 + 3 + 1 : 0;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + junk + 8 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(fmtSize);
        b.putShort((short) (extensible ? 0xFFFE : format)).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bytesPerSample).putShort((short) (channels * bytesPerSample)).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(0);
            b.putShort((short) format).put(new byte[14]);
        }
        if (junkChunk) {
            // an odd-sized chunk is followed by a pad byte
            b.put(ascii("LIST")).putInt(3).put(new byte[] {1, 2, 3, 0});
        }
        b.put(ascii("data")).putInt(dataBytes);
        for (double[] frame : frames) {
            for (double s : frame) {
                if (format == 3 && bits == 32) {
                    b.putFloat((float) s);
                } else if (format == 3) {
                    b.putDouble(s);
                } else if (bits == 16) {
                    b.putShort((short) Math.round(s * 32767));
                } else if (bits == 24) {
                    int v = (int) Math.round(s * 8388607);
                    b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
                } else if (bits == 32) {
                    b.putInt((int) Math.round(s * 2147483647.0));
                } else {
                    b.put((byte) Math.round(s * 127 + 128));
                }
            }
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
