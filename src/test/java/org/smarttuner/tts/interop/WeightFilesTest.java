package org.smarttuner.tts.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing PyTorch and safetensors files, and every refusal, without Python. */
class WeightFilesTest {
    @TempDir
    Path dir;

    private static Map<String, HostTensor> sample() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("a.weight", HostTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        m.put("a.bias", HostTensor.of(new float[] {-1.5f, 0.25f}, 2));
        m.put("bn.num_batches_tracked", new HostTensor(new long[0], new float[] {17}, true));
        return m;
    }

    @Test
    void whatTorchSaveWritesReadsBackTheSame() throws IOException {
        Path pt = dir.resolve("x.pt");
        TorchSave.write(pt, sample(), Map.of("iteration", 12L, "learning_rate", 1e-3));
        StateFile f = WeightFiles.read(pt);
        assertEquals("pytorch", f.format());
        assertEquals(sample(), f.tensors());
        assertEquals(12L, ((Number) f.info().get("iteration")).longValue());
        assertEquals(1e-3, ((Number) f.info().get("learning_rate")).doubleValue());
        Path bare = dir.resolve("bare.pt");
        TorchSave.write(bare, sample(), null);
        assertEquals(sample(), WeightFiles.read(bare).tensors());
    }

    @Test
    void torchSaveAlignsEveryRecordTo64BytesAsPyTorchDoes() throws IOException {
        Path pt = dir.resolve("x.pt");
        TorchSave.write(pt, sample(), null);
        byte[] all = Files.readAllBytes(pt);
        try (ZipFile zip = new ZipFile(pt.toFile())) {
            for (var e = zip.entries(); e.hasMoreElements();) {
                ZipEntry z = e.nextElement();
                assertEquals(ZipEntry.STORED, z.getMethod(), z.getName());
                byte[] data = zip.getInputStream(z).readAllBytes();
                int at = indexOf(all, data, z.getName());
                assertEquals(0, at % 64, z.getName() + " starts at " + at);
            }
        }
    }

    private static int indexOf(byte[] all, byte[] data, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < all.length - n.length; i++) {
            if (all[i] == 'P' && all[i + 1] == 'K' && all[i + 2] == 3 && all[i + 3] == 4
                    && Arrays.equals(Arrays.copyOfRange(all, i + 30, i + 30 + n.length), n)) {
                int extra = (all[i + 28] & 0xff) | (all[i + 29] & 0xff) << 8;
                return i + 30 + n.length + extra;
            }
        }
        throw new AssertionError(name + " not found");
    }

    @Test
    void safetensorsRoundTripsAndReadsHalfPrecision() throws IOException {
        Path st = dir.resolve("x.safetensors");
        Safetensors.write(st, sample(), Map.of("format", "pt"));
        StateFile f = WeightFiles.read(st);
        assertEquals("safetensors", f.format());
        assertEquals(sample(), f.tensors());
        assertEquals("pt", f.info().get("format"));

        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[6,8]}}";
        ByteBuffer b = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        b.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x3555); // 1, -2, 0.33325
        b.putShort((short) 0x3fc0); // 1.5 in bfloat16
        Path half = dir.resolve("half.safetensors");
        Files.write(half, b.array());
        StateFile h = WeightFiles.read(half);
        assertArrayEquals(new float[] {1f, -2f, 0.33325195f}, h.tensors().get("h").data());
        assertArrayEquals(new float[] {1.5f}, h.tensors().get("b").data());
    }

    @Test
    void aFileThatIsNoCheckpointIsRefusedSayingWhatIsRead() throws IOException {
        Path junk = dir.resolve("notes.pt");
        Files.writeString(junk, "these are not weights");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> WeightFiles.read(junk));
        assertTrue(e.getMessage().contains("is neither a PyTorch checkpoint") && e.getMessage().contains("safetensors"),
                e.getMessage());
        Path empty = dir.resolve("empty.pt");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(CheckpointFormatException.class, () -> WeightFiles.read(empty)).getMessage()
                .contains("it is empty"));
        assertThrows(NoSuchFileException.class, () -> WeightFiles.read(dir.resolve("missing.pt")));
        Path zip = dir.resolve("other.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("hi".getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(assertThrows(CheckpointFormatException.class, () -> WeightFiles.read(zip)).getMessage()
                .contains("without <name>/data.pkl"));
    }

    /** A torch-style zip whose data.pkl is the given pickle. */
    private Path zipWithPickle(String name, byte[] pickle) throws IOException {
        Path p = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pickle);
            z.putNextEntry(new ZipEntry("archive/version"));
            z.write("3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return p;
    }

    @Test
    void aPickleThatNamesAForeignGlobalIsRefusedAndNothingRuns() throws IOException {
        Path marker = dir.resolve("ran");
        // pickle protocol 2 for: os.system("touch <marker>")
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        p.write(("cos\nsystem\nX").getBytes(StandardCharsets.US_ASCII));
        byte[] cmd = ("touch " + marker).getBytes(StandardCharsets.US_ASCII);
        p.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(cmd.length).array());
        p.write(cmd);
        p.write(new byte[] {(byte) 0x85, 'R', '.'});
        for (Path f : new Path[] {zipWithPickle("evil.pt", p.toByteArray()), writeRaw("evil-legacy.pt", p.toByteArray())}) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> WeightFiles.read(f));
            assertTrue(e.getMessage().contains("os.system") && e.getMessage().contains("was not loaded"), e.getMessage());
        }
        assertFalse(Files.exists(marker), "nothing in the file was run");
    }

    @Test
    void picklesThatBuildArbitraryObjectsAreRefused() throws IOException {
        // EMPTY_TUPLE then NEWOBJ with no class: refused at the opcode, before anything is looked up
        byte[] newobj = {(byte) 0x80, 2, ')', ')', (byte) 0x81, '.'};
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> WeightFiles.read(zipWithPickle("newobj.pt", newobj)));
        assertTrue(e.getMessage().contains("builds an arbitrary object"), e.getMessage());
        // a list instead of a dict
        byte[] list = {(byte) 0x80, 2, ']', '.'};
        assertTrue(assertThrows(CheckpointFormatException.class, () -> WeightFiles.read(zipWithPickle("list.pt", list)))
                .getMessage().contains("holds a list, not a state_dict"));
    }

    private Path writeRaw(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void aStorageCutShortIsRefusedNamingTheTensor() throws IOException {
        Path pt = dir.resolve("x.pt");
        TorchSave.write(pt, sample(), null);
        Path cut = dir.resolve("cut.pt");
        try (ZipFile in = new ZipFile(pt.toFile()); OutputStream os = Files.newOutputStream(cut);
                ZipOutputStream out = new ZipOutputStream(os)) {
            for (var e = in.entries(); e.hasMoreElements();) {
                ZipEntry z = e.nextElement();
                byte[] data = in.getInputStream(z).readAllBytes();
                if (z.getName().equals("archive/data/0")) {
                    data = Arrays.copyOf(data, data.length - 4);
                }
                out.putNextEntry(new ZipEntry(z.getName()));
                out.write(data);
            }
        }
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> WeightFiles.read(cut));
        assertTrue(e.getMessage().contains("a.weight") && e.getMessage().contains("cut short"), e.getMessage());

        byte[] whole = Files.readAllBytes(pt);
        Path half = writeRaw("half.pt", Arrays.copyOf(whole, whole.length / 2));
        assertTrue(assertThrows(CheckpointFormatException.class, () -> WeightFiles.read(half)).getMessage()
                .contains("damaged zip"));

        Path st = dir.resolve("x.safetensors");
        Safetensors.write(st, sample(), Map.of());
        byte[] s = Files.readAllBytes(st);
        Path stCut = writeRaw("cut.safetensors", Arrays.copyOf(s, s.length - 8));
        assertTrue(assertThrows(CheckpointFormatException.class, () -> WeightFiles.read(stCut)).getMessage()
                .contains("cut short"));
    }

    @Test
    void aDdpPrefixIsDroppedOnlyWhenEveryNameHasIt() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("module.a", HostTensor.of(new float[] {1}, 1));
        m.put("module.b", HostTensor.of(new float[] {2}, 1));
        assertEquals(java.util.Set.of("a", "b"), new StateFile("pytorch", m, Map.of()).withoutModulePrefix().tensors()
                .keySet());
        m.put("c", HostTensor.of(new float[] {3}, 1));
        assertTrue(new StateFile("pytorch", m, Map.of()).withoutModulePrefix().tensors().containsKey("module.a"));
    }

    @Test
    void halfPrecisionConversionCoversSubnormalsAndSpecials() {
        assertEquals(65504f, TorchCheckpoint.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, TorchCheckpoint.halfToFloat((short) 0x0001));
        assertEquals(Float.NEGATIVE_INFINITY, TorchCheckpoint.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(TorchCheckpoint.halfToFloat((short) 0x7e00)));
        assertEquals(-0f, TorchCheckpoint.halfToFloat((short) 0x8000));
    }
}
