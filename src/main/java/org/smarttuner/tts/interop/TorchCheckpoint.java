package org.smarttuner.tts.interop;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.smarttuner.tts.interop.TorchUnpickler.StorageRef;
import org.smarttuner.tts.interop.TorchUnpickler.TensorRef;

/**
 * Reads what {@code torch.save} writes: the zip archive of PyTorch 1.6 and later ({@code data.pkl}
 * beside one record per storage) and the older single-stream format (five pickles, then the raw
 * storages) that NVIDIA's 2018-2019 Tacotron2 checkpoints use. Both a bare state_dict and NVIDIA's
 * {@code {'state_dict': ..., 'optimizer': ..., 'iteration': ..., 'learning_rate': ...}} are read; only
 * the state_dict's tensors are loaded (the optimizer's are skipped: a warm start begins with a
 * fresh optimizer).
 */
public final class TorchCheckpoint {
    /** The legacy format's first pickle. */
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;

    private TorchCheckpoint() {
    }

    /** Whether {@code head} (the file's first bytes) starts a zip archive. */
    static boolean isZip(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /** Whether {@code head} starts a binary pickle (the legacy format). */
    static boolean isPickle(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
    }

    public static StateFile read(Path file) throws IOException {
        byte[] head = WeightFiles.head(file, 8);
        if (isZip(head)) {
            return readZip(file);
        }
        if (isPickle(head)) {
            return readLegacy(file);
        }
        throw new CheckpointFormatException(file + " is not a PyTorch checkpoint (neither the zip archive nor the "
                + "legacy pickle format that torch.save writes)");
    }

    private static StateFile readZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = null;
            String prefix = null;
            for (var entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    pkl = e;
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                    break;
                }
            }
            if (pkl == null) {
                throw new CheckpointFormatException(file + " is a zip archive without <name>/data.pkl: not a "
                        + "PyTorch checkpoint");
            }
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String byteOrder = new String(zip.getInputStream(order).readAllBytes(), StandardCharsets.US_ASCII)
                        .trim();
                if (!byteOrder.equals("little")) {
                    throw new CheckpointFormatException(file + " was saved on a " + byteOrder
                            + "-endian machine; only little-endian checkpoints are read");
                }
            }
            Object root;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(pkl))) {
                root = new TorchUnpickler(file.toString()).read(in);
            }
            Found found = stateDict(file, root);
            Map<String, byte[]> storages = new HashMap<>();
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> e : found.refs.entrySet()) {
                StorageRef s = e.getValue().storage();
                byte[] bytes = storages.get(s.key());
                if (bytes == null) {
                    ZipEntry record = zip.getEntry(prefix + "data/" + s.key());
                    if (record == null) {
                        throw new CheckpointFormatException(file + ": tensor " + e.getKey() + " reads storage "
                                + s.key() + ", which the archive lacks (" + prefix + "data/" + s.key() + ")");
                    }
                    try (InputStream in = zip.getInputStream(record)) {
                        bytes = in.readAllBytes();
                    }
                    storages.put(s.key(), bytes);
                }
                tensors.put(e.getKey(), tensor(file, e.getKey(), e.getValue(), bytes));
            }
            return new StateFile("pytorch", tensors, found.info);
        } catch (ZipException e) {
            throw new CheckpointFormatException(file + " is a damaged zip archive (" + e.getMessage()
                    + "): a PyTorch checkpoint cut short or overwritten?", e);
        }
    }

    private static StateFile readLegacy(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            TorchUnpickler u = new TorchUnpickler(file.toString());
            Object magic = u.read(in);
            if (!(magic instanceof BigInteger m && m.equals(LEGACY_MAGIC))) {
                throw new CheckpointFormatException(file + " is a pickle but not a PyTorch checkpoint (no torch.save "
                        + "magic number)");
            }
            Object protocol = u.read(in);
            if (!(protocol instanceof Number p) || p.longValue() != LEGACY_PROTOCOL) {
                throw new CheckpointFormatException(file + ": unknown torch.save protocol " + protocol);
            }
            Object sysInfo = u.read(in);
            if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
                throw new CheckpointFormatException(file + " was saved on a big-endian machine; only little-endian "
                        + "checkpoints are read");
            }
            Object root = u.read(in);
            Object keys = u.read(in);
            if (!(keys instanceof List<?> keyList)) {
                throw new CheckpointFormatException(file + ": the storage key list is missing");
            }
            Found found = stateDict(file, root);
            Map<String, StorageRef> wanted = new HashMap<>();
            found.refs.values().forEach(r -> wanted.put(r.storage().key(), r.storage()));
            Map<String, byte[]> storages = new HashMap<>();
            for (Object k : keyList) {
                String key = String.valueOf(k);
                long elements = Long.reverseBytes(readLong(in, file, key));
                StorageRef s = wanted.get(key);
                int width = s != null ? s.type().bytes : widthOf(found.all, key);
                long bytes = Math.multiplyExact(elements, (long) width);
                if (s == null) {
                    skip(in, bytes, file, key);
                    continue;
                }
                if (bytes > Integer.MAX_VALUE - 16) {
                    throw new CheckpointFormatException(file + ": storage " + key + " is larger than 2 GB");
                }
                byte[] data = new byte[(int) bytes];
                try {
                    in.readFully(data);
                } catch (EOFException e) {
                    throw new CheckpointFormatException(file + " is cut short inside storage " + key + " (" + bytes
                            + " bytes expected)", e);
                }
                storages.put(key, data);
            }
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> e : found.refs.entrySet()) {
                byte[] data = storages.get(e.getValue().storage().key());
                if (data == null) {
                    throw new CheckpointFormatException(file + ": tensor " + e.getKey() + " reads storage "
                            + e.getValue().storage().key() + ", which the file does not hold");
                }
                tensors.put(e.getKey(), tensor(file, e.getKey(), e.getValue(), data));
            }
            return new StateFile("pytorch-legacy", tensors, found.info);
        }
    }

    private static long readLong(DataInputStream in, Path file, String key) throws IOException {
        try {
            return in.readLong();
        } catch (EOFException e) {
            throw new CheckpointFormatException(file + " is cut short before storage " + key, e);
        }
    }

    private static void skip(DataInputStream in, long bytes, Path file, String key) throws IOException {
        long left = bytes;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new CheckpointFormatException(file + " is cut short inside storage " + key);
                }
                n = 1;
            }
            left -= n;
        }
    }

    private static int widthOf(List<TensorRef> all, String key) throws CheckpointFormatException {
        for (TensorRef r : all) {
            if (r.storage().key().equals(key)) {
                return r.storage().type().bytes;
            }
        }
        throw new CheckpointFormatException("storage " + key + " is used by no tensor, so its element size is unknown");
    }

    /** The state_dict found in a checkpoint's pickle, the scalars beside it, and every tensor anywhere. */
    private record Found(Map<String, TensorRef> refs, Map<String, Object> info, List<TensorRef> all) {
    }

    private static Found stateDict(Path file, Object root) throws CheckpointFormatException {
        if (!(root instanceof Map<?, ?> top)) {
            throw new CheckpointFormatException(file + " holds a " + typeName(root) + ", not a state_dict or a dict "
                    + "with one");
        }
        List<TensorRef> all = new ArrayList<>();
        collect(root, all);
        Map<?, ?> dict = top;
        Map<String, Object> info = new LinkedHashMap<>();
        if (top.get("state_dict") instanceof Map<?, ?> inner) {
            dict = inner;
            for (Map.Entry<?, ?> e : top.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Number || v instanceof String || v instanceof Boolean) {
                    info.put(String.valueOf(e.getKey()), v);
                }
            }
        } else if (top.containsKey("state_dict")) {
            throw new CheckpointFormatException(file + ": its state_dict is a " + typeName(top.get("state_dict"))
                    + ", not a dict of tensors");
        }
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getValue() instanceof TensorRef r) {
                refs.put(String.valueOf(e.getKey()), r);
            } else if (dict == top) {
                throw new CheckpointFormatException(file + " holds a dict whose entry '" + e.getKey() + "' is a "
                        + typeName(e.getValue()) + ": neither a state_dict (names to tensors) nor NVIDIA's "
                        + "checkpoint (a dict with 'state_dict'); top-level keys: " + top.keySet());
            } else {
                throw new CheckpointFormatException(file + ": state_dict entry '" + e.getKey() + "' is a "
                        + typeName(e.getValue()) + ", not a tensor");
            }
        }
        if (refs.isEmpty()) {
            throw new CheckpointFormatException(file + " holds no tensors in its state_dict");
        }
        return new Found(refs, info, all);
    }

    private static void collect(Object o, List<TensorRef> out) {
        if (o instanceof TensorRef r) {
            out.add(r);
        } else if (o instanceof Map<?, ?> m) {
            m.values().forEach(v -> collect(v, out));
        } else if (o instanceof List<?> l) {
            l.forEach(v -> collect(v, out));
        } else if (o instanceof Object[] a) {
            for (Object v : a) {
                collect(v, out);
            }
        }
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o instanceof TensorRef ? "tensor" : o instanceof Map ? "dict"
                : o instanceof List ? "list" : o instanceof Object[] ? "tuple" : o.getClass().getSimpleName();
    }

    /** The tensor's elements, gathered by its strides from the storage bytes and widened to float. */
    static HostTensor tensor(Path file, String name, TensorRef r, byte[] storage) throws CheckpointFormatException {
        TorchUnpickler.StorageType type = r.storage().type();
        long have = storage.length / type.bytes;
        if (have < r.storage().elements()) {
            throw new CheckpointFormatException(file + ": storage " + r.storage().key() + " of tensor " + name
                    + " is cut short: " + storage.length + " bytes, " + r.storage().elements() * type.bytes
                    + " expected");
        }
        long[] size = r.size();
        long[] stride = r.stride();
        if (size.length != stride.length) {
            throw new CheckpointFormatException(file + ": tensor " + name + " has " + size.length + " sizes but "
                    + stride.length + " strides");
        }
        long n = HostTensor.elements(size);
        long last = r.offset();
        for (int d = 0; d < size.length; d++) {
            if (size[d] > 0) {
                last += (size[d] - 1) * stride[d];
            }
        }
        if (n > 0 && (r.offset() < 0 || last >= r.storage().elements())) {
            throw new CheckpointFormatException(file + ": tensor " + name + " of shape "
                    + java.util.Arrays.toString(size) + " reaches past its storage (" + r.storage().elements()
                    + " elements)");
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new CheckpointFormatException(file + ": tensor " + name + " has more than 2^31 elements");
        }
        ByteBuffer buf = ByteBuffer.wrap(storage).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) n];
        if (type == TorchUnpickler.StorageType.FLOAT && contiguous(size, stride)) {
            buf.position((int) (r.offset() * 4)).asFloatBuffer().get(out);
            return new HostTensor(size, out, false);
        }
        long[] index = new long[size.length];
        for (int i = 0; i < n; i++) {
            long at = r.offset();
            for (int d = 0; d < size.length; d++) {
                at += index[d] * stride[d];
            }
            out[i] = element(buf, type, (int) at);
            for (int d = size.length - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return new HostTensor(size, out, !type.floating);
    }

    private static boolean contiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat arrived after Java 17). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static float element(ByteBuffer b, TorchUnpickler.StorageType type, int i) {
        return switch (type) {
            case FLOAT -> b.getFloat(i * 4);
            case HALF -> halfToFloat(b.getShort(i * 2));
            case BFLOAT16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
            case DOUBLE -> (float) b.getDouble(i * 8);
            case LONG -> b.getLong(i * 8);
            case INT -> b.getInt(i * 4);
            case SHORT -> b.getShort(i * 2);
            case CHAR -> b.get(i);
            case BYTE -> b.get(i) & 0xff;
            case BOOL -> b.get(i) != 0 ? 1f : 0f;
        };
    }
}
