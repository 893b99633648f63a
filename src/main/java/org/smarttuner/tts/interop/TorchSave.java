package org.smarttuner.tts.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.razorvine.pickle.IObjectPickler;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.Pickler;

/**
 * Writes a checkpoint the way {@code torch.save} does (the zip archive of PyTorch 1.6 and later):
 * {@code archive/data.pkl} (pickled with Pyrolite, referring to storages by persistent id),
 * {@code archive/data/N} (one float32 or int64 storage per tensor), {@code byteorder} and
 * {@code version}. Records are stored uncompressed and aligned to 64 bytes, as PyTorch writes them,
 * so {@code torch.load(..., mmap=True)} works too. The pickle uses only what
 * {@code torch.load(weights_only=True)} allows: {@code _rebuild_tensor_v2}, {@code FloatStorage} /
 * {@code LongStorage} and {@code OrderedDict}.
 */
public final class TorchSave {
    private static final String ARCHIVE = "archive/";
    private static final int ALIGN = 64;

    private TorchSave() {
    }

    /**
     * Writes {@code {'state_dict': OrderedDict(tensors), **info}} (NVIDIA's checkpoint layout) or,
     * with {@code info} null, the bare state_dict.
     */
    public static void write(java.nio.file.Path file, Map<String, HostTensor> tensors, Map<String, Object> info)
            throws IOException {
        List<HostTensor> storages = new ArrayList<>();
        Map<String, Object> dict = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            dict.put(e.getKey(), new TensorOut(String.valueOf(storages.size()), e.getValue()));
            storages.add(e.getValue());
        }
        Object root = new OrderedDictOut(dict);
        if (info != null) {
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("state_dict", root);
            top.putAll(info);
            root = top;
        }
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        new TorchPickler().dump(root, pkl);
        AtomicFiles.write(file, out -> {
            CountingStream counted = new CountingStream(out);
            try (ZipOutputStream zip = new ZipOutputStream(counted)) {
                zip.setLevel(0);
                put(zip, counted, ARCHIVE + "data.pkl", pkl.toByteArray());
                put(zip, counted, ARCHIVE + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < storages.size(); i++) {
                    put(zip, counted, ARCHIVE + "data/" + i, bytes(storages.get(i)));
                }
                put(zip, counted, ARCHIVE + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            }
        });
    }

    private static byte[] bytes(HostTensor t) {
        float[] d = t.data();
        ByteBuffer b = ByteBuffer.allocate(d.length * (t.integer() ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : d) {
            if (t.integer()) {
                b.putLong((long) v);
            } else {
                b.putFloat(v);
            }
        }
        return b.array();
    }

    /** One stored record whose data starts at a multiple of 64 bytes (padding in an extra field). */
    private static void put(ZipOutputStream zip, CountingStream counted, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(946_684_800_000L); // 2000-01-01, in the DOS range: no extra time field before the data
        zip.flush();
        long headerStart = counted.count;
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        long dataStart = headerStart + 30 + nameBytes + 4;
        int pad = (int) ((ALIGN - dataStart % ALIGN) % ALIGN);
        // PyTorch's own padding field: id "FB", then that many bytes
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >> 8);
        e.setExtra(extra);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    private record TensorOut(String key, HostTensor tensor) {
    }

    private record StorageOut(String key, HostTensor tensor) {
    }

    private record StorageTag(String name) {
    }

    private record OrderedDictOut(Map<String, Object> items) {
    }

    /** Pyrolite's pickler with torch's tensor, storage and OrderedDict forms added. */
    private static final class TorchPickler extends Pickler {
        TorchPickler() {
            super(false);
        }

        @Override
        protected IObjectPickler getCustomPickler(Class<?> type) {
            if (type == TensorOut.class) {
                return (o, out, p) -> {
                    TensorOut t = (TensorOut) o;
                    long[] shape = t.tensor().shape();
                    Object[] size = new Object[shape.length];
                    Object[] stride = new Object[shape.length];
                    long s = 1;
                    for (int d = shape.length - 1; d >= 0; d--) {
                        size[d] = shape[d];
                        stride[d] = s;
                        s *= shape[d];
                    }
                    global(out, "torch._utils", "_rebuild_tensor_v2");
                    p.save(new Object[] {new StorageOut(t.key(), t.tensor()), 0L, size, stride, Boolean.FALSE,
                        new OrderedDictOut(Map.of())});
                    out.write(Opcodes.REDUCE);
                };
            }
            if (type == StorageTag.class) {
                return (o, out, p) -> global(out, "torch", ((StorageTag) o).name());
            }
            if (type == OrderedDictOut.class) {
                return (o, out, p) -> {
                    global(out, "collections", "OrderedDict");
                    out.write(Opcodes.EMPTY_TUPLE);
                    out.write(Opcodes.REDUCE);
                    Map<String, Object> items = ((OrderedDictOut) o).items();
                    if (!items.isEmpty()) {
                        out.write(Opcodes.MARK);
                        for (Map.Entry<String, Object> e : items.entrySet()) {
                            p.save(e.getKey());
                            p.save(e.getValue());
                        }
                        out.write(Opcodes.SETITEMS);
                    }
                };
            }
            return super.getCustomPickler(type);
        }

        @Override
        protected Object persistentId(Object obj) {
            if (obj instanceof StorageOut s) {
                HostTensor t = s.tensor();
                return new Object[] {"storage", new StorageTag(t.integer() ? "LongStorage" : "FloatStorage"), s.key(),
                    "cpu", (long) t.data().length};
            }
            return null;
        }

        private static void global(OutputStream out, String module, String name) throws IOException {
            out.write(Opcodes.GLOBAL);
            out.write((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }
}
