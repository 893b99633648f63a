package org.smarttuner.tts.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads RIFF/WAVE files: integer PCM of 16, 24 or 32 bits and IEEE float of 32 or 64 bits
 * (also in WAVE_FORMAT_EXTENSIBLE), any channel count (mixed down to mono by averaging).
 * Integer samples are scaled by 2^(bits-1), so 16-bit audio matches Tacotron2's
 * {@code max_wav_value = 32768}.
 */
public final class WavReader {
    private static final int PCM = 1;
    private static final int FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;
    private static final String ALLOWED = "allowed: PCM 16/24/32-bit or IEEE float 32/64-bit";

    private WavReader() {
    }

    public static Audio read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Reads {@code file} and refuses it unless it is at {@code expectedRate} Hz. */
    public static Audio read(Path file, int expectedRate) throws IOException {
        Audio a = read(file);
        if (a.sampleRate() != expectedRate) {
            throw new AudioFormatException(file + ": sample rate is " + a.sampleRate() + " Hz, the audio settings ask for "
                    + expectedRate + " Hz (resample the corpus, e.g. sox in.wav -r " + expectedRate
                    + " out.wav, or set data.audio.sample_rate)");
        }
        return a;
    }

    static Audio parse(byte[] bytes, String name) throws AudioFormatException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || !tag(b, 0).equals("RIFF") || !tag(b, 8).equals("WAVE")) {
            throw new AudioFormatException(name + ": not a WAV file (no RIFF/WAVE header); " + ALLOWED);
        }
        int pos = 12;
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int blockAlign = 0;
        int dataStart = -1;
        int dataLength = 0;
        while (pos + 8 <= bytes.length) {
            String id = tag(b, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > bytes.length) {
                    throw new AudioFormatException(name + ": truncated fmt chunk");
                }
                format = Short.toUnsignedInt(b.getShort(body));
                channels = Short.toUnsignedInt(b.getShort(body + 2));
                rate = b.getInt(body + 4);
                blockAlign = Short.toUnsignedInt(b.getShort(body + 12));
                bits = Short.toUnsignedInt(b.getShort(body + 14));
                if (format == EXTENSIBLE) {
                    if (size < 40 || body + 26 > bytes.length) {
                        throw new AudioFormatException(name + ": truncated WAVE_FORMAT_EXTENSIBLE fmt chunk");
                    }
                    format = Short.toUnsignedInt(b.getShort(body + 24));
                }
            } else if (id.equals("data")) {
                dataStart = body;
                // streaming writers leave the size at 0 or 0xFFFFFFFF: take what the file holds
                long available = bytes.length - body;
                dataLength = (int) (size == 0 || size > available ? available : size);
                break;
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        if (format < 0) {
            throw new AudioFormatException(name + ": no fmt chunk");
        }
        if (dataStart < 0) {
            throw new AudioFormatException(name + ": no data chunk");
        }
        String encoding = describe(format, bits);
        boolean supported = (format == PCM && (bits == 16 || bits == 24 || bits == 32))
                || (format == FLOAT && (bits == 32 || bits == 64));
        if (!supported) {
            throw new AudioFormatException(name + ": unsupported encoding " + encoding + "; " + ALLOWED);
        }
        if (channels < 1) {
            throw new AudioFormatException(name + ": fmt chunk says " + channels + " channels");
        }
        if (rate <= 0) {
            throw new AudioFormatException(name + ": fmt chunk says sample rate " + rate);
        }
        int bytesPerSample = bits / 8;
        int frameBytes = bytesPerSample * channels;
        if (blockAlign != frameBytes) {
            throw new AudioFormatException(name + ": block align " + blockAlign + " does not match " + channels
                    + " channels of " + bits + " bits");
        }
        int n = dataLength / frameBytes;
        float[] out = new float[n];
        if (format == PCM && bits == 16 && channels == 1) {
            // the common case (LJSpeech, espeak-ng, our corpora): one bulk copy instead of a call per sample
            short[] pcm = new short[n];
            b.position(dataStart);
            b.slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm, 0, n);
            for (int i = 0; i < n; i++) {
                out[i] = pcm[i] / 32768f;
            }
            return new Audio(out, rate, channels, encoding);
        }
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int at = dataStart + i * frameBytes;
            for (int c = 0; c < channels; c++) {
                sum += sample(b, at + c * bytesPerSample, format, bits);
            }
            out[i] = (float) (sum / channels);
        }
        return new Audio(out, rate, channels, encoding);
    }

    private static double sample(ByteBuffer b, int at, int format, int bits) {
        if (format == FLOAT) {
            return bits == 32 ? b.getFloat(at) : b.getDouble(at);
        }
        return switch (bits) {
            case 16 -> b.getShort(at) / 32768.0;
            case 24 -> ((b.get(at) & 0xFF) | (b.get(at + 1) & 0xFF) << 8 | b.get(at + 2) << 16) / 8388608.0;
            default -> b.getInt(at) / 2147483648.0;
        };
    }

    private static String describe(int format, int bits) {
        return switch (format) {
            case PCM -> "PCM " + bits + "-bit";
            case FLOAT -> "IEEE float " + bits + "-bit";
            case 6 -> "A-law";
            case 7 -> "mu-law";
            case 2 -> "Microsoft ADPCM";
            case 0x11 -> "IMA ADPCM";
            default -> "format tag " + format + " (" + bits + "-bit)";
        };
    }

    private static String tag(ByteBuffer b, int at) {
        byte[] t = new byte[4];
        for (int i = 0; i < 4; i++) {
            t[i] = b.get(at + i);
        }
        return new String(t, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
