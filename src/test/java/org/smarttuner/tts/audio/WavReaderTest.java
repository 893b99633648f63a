package org.smarttuner.tts.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WavReaderTest {
    private static final double[][] MONO = {{0.0}, {0.5}, {-0.5}, {0.25}, {-1.0}, {0.999}};

    @ParameterizedTest(name = "format {0}, {1} bits, extensible {2}")
    @CsvSource({"1,16,false", "1,24,false", "1,32,false", "3,32,false", "3,64,false", "1,16,true", "1,24,true",
        "3,32,true"})
    void readsEveryEncoding(int format, int bits, boolean extensible) throws IOException {
        Audio a = WavReader.parse(WavFiles.wav(format, bits, 22050, MONO, extensible, true), "t.wav");
        assertEquals(22050, a.sampleRate());
        assertEquals(1, a.channels());
        assertEquals(MONO.length, a.samples().length);
        double tolerance = bits == 16 ? 1.0 / 16000 : 1e-6;
        for (int i = 0; i < MONO.length; i++) {
            assertEquals(MONO[i][0], a.samples()[i], tolerance, "sample " + i);
        }
    }

    @Test
    void mixesStereoDown() throws IOException {
        double[][] stereo = {{0.5, 0.1}, {-0.5, 0.5}, {1.0, -1.0}};
        Audio a = WavReader.parse(WavFiles.wav(1, 16, 16000, stereo, false, false), "s.wav");
        assertEquals(2, a.channels());
        assertEquals(16000, a.sampleRate());
        assertEquals(0.3, a.samples()[0], 1e-4);
        assertEquals(0.0, a.samples()[1], 1e-4);
        assertEquals(0.0, a.samples()[2], 1e-4);
    }

    @Test
    void refusesOtherEncodingsByName() {
        AudioFormatException e = assertThrows(AudioFormatException.class,
                () -> WavReader.parse(WavFiles.wav(1, 8, 22050, MONO, false, false), "u8.wav"));
        assertTrue(e.getMessage().contains("u8.wav") && e.getMessage().contains("PCM 8-bit")
                && e.getMessage().contains("allowed: PCM 16/24/32-bit or IEEE float 32/64-bit"), e.getMessage());
        byte[] alaw = WavFiles.wav(1, 16, 22050, MONO, false, false);
        alaw[20] = 6;
        e = assertThrows(AudioFormatException.class, () -> WavReader.parse(alaw, "alaw.wav"));
        assertTrue(e.getMessage().contains("A-law"), e.getMessage());
    }

    @Test
    void refusesNonWavAndBrokenFiles() {
        AudioFormatException e = assertThrows(AudioFormatException.class,
                () -> WavReader.parse("ID3 this is an mp3".getBytes(), "song.mp3"));
        assertTrue(e.getMessage().contains("not a WAV file"), e.getMessage());
        byte[] ok = WavFiles.wav(1, 16, 22050, MONO, false, false);
        byte[] noData = java.util.Arrays.copyOf(ok, 36);
        e = assertThrows(AudioFormatException.class, () -> WavReader.parse(noData, "cut.wav"));
        assertTrue(e.getMessage().contains("no data chunk"), e.getMessage());
        byte[] noFmt = java.util.Arrays.copyOf(ok, 12);
        e = assertThrows(AudioFormatException.class, () -> WavReader.parse(noFmt, "empty.wav"));
        assertTrue(e.getMessage().contains("no fmt chunk"), e.getMessage());
    }

    @Test
    void streamedDataSizeIsClampedToTheFile() throws IOException {
        byte[] b = WavFiles.wav(1, 16, 22050, MONO, false, false);
        // espeak-ng writes 0x7ffff... when it streams: the reader takes what the file holds
        b[40] = (byte) 0xFF;
        b[41] = (byte) 0xFF;
        b[42] = (byte) 0xFF;
        b[43] = (byte) 0x7F;
        assertEquals(MONO.length, WavReader.parse(b, "stream.wav").samples().length);
    }

    @Test
    void wrongSampleRateNamesBothRates(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.wav");
        Files.write(f, WavFiles.wav(1, 16, 16000, MONO, false, false));
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> WavReader.read(f, 22050));
        assertTrue(e.getMessage().contains("16000 Hz") && e.getMessage().contains("22050 Hz"), e.getMessage());
        assertEquals(16000, WavReader.read(f, 16000).sampleRate());
    }

    @Test
    void writerRoundTrips(@TempDir Path dir) throws IOException {
        float[] x = {0f, 0.5f, -0.5f, 1.5f, -2f};
        Path f = dir.resolve("w.wav");
        WavWriter.write(f, x, 22050);
        Audio a = WavReader.read(f, 22050);
        assertEquals("PCM 16-bit", a.encoding());
        float[] expected = {0f, 0.5f, -0.5f, 1f, -1f};
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], a.samples()[i], 1.0 / 16000);
        }
    }
}
