package org.smarttuner.tts.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian data. No code can
 * hide in it, which is why it exists. The JSON goes through Jackson; the rest is the specification's
 * few fixed fields (no Java library for it is published on Maven Central).
 */
public final class Safetensors {
    /** The specification's limit on the header (100 MB), against a corrupt length. */
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    /** Whether {@code head} (at least 9 bytes) looks like a safetensors file: a sane length, then '{'. */
    static boolean looksLike(byte[] head) {
        if (head.length < 9) {
            return false;
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n > 1 && n <= MAX_HEADER && head[8] == '{';
    }

    public static StateFile read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0, file);
            long headerLength = len.flip().getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new CheckpointFormatException(file + " is not a safetensors file (header length " + headerLength
                        + " in a file of " + size + " bytes)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 8, file);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CheckpointFormatException(file + ": its safetensors header is not JSON: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new CheckpointFormatException(file + ": its safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            long dataSize = size - dataStart;
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            Map<String, Object> info = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> info.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), tensor(ch, file, e.getKey(), e.getValue(), dataStart, dataSize));
            }
            return new StateFile("safetensors", tensors, info);
        }
    }

    private static HostTensor tensor(FileChannel ch, Path file, String name, JsonNode spec, long dataStart,
            long dataSize) throws IOException {
        String dtype = spec.path("dtype").asText("");
        JsonNode shapeNode = spec.path("shape");
        JsonNode offsets = spec.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointFormatException(file + ": safetensors entry " + name + " lacks shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
        }
        int width = switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "F64", "I64" -> 8;
            case "U8", "I8", "BOOL" -> 1;
            default -> throw new CheckpointFormatException(file + ": safetensors entry " + name + " has dtype '"
                    + dtype + "' (read: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
        };
        long n;
        try {
            n = HostTensor.elements(shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CheckpointFormatException(file + ": safetensors entry " + name + " has a bad shape", e);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end != begin + n * width) {
            throw new CheckpointFormatException(file + ": safetensors entry " + name + " (" + dtype + ", shape "
                    + java.util.Arrays.toString(shape) + ") has data_offsets [" + begin + ", " + end + "], which do not "
                    + "hold " + n + " elements");
        }
        if (end > dataSize) {
            throw new CheckpointFormatException(file + " is cut short: safetensors entry " + name + " ends at byte "
                    + end + " of the data, which holds " + dataSize);
        }
        if (n * width > Integer.MAX_VALUE - 16) {
            throw new CheckpointFormatException(file + ": safetensors entry " + name + " is larger than 2 GB");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) (n * width));
        readFully(ch, raw, dataStart + begin, file);
        raw.flip().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) n];
        boolean integer = dtype.startsWith("I") || dtype.startsWith("U") || dtype.equals("BOOL");
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case "F32" -> raw.getFloat(i * 4);
                case "F16" -> TorchCheckpoint.halfToFloat(raw.getShort(i * 2));
                case "BF16" -> Float.intBitsToFloat((raw.getShort(i * 2) & 0xffff) << 16);
                case "F64" -> (float) raw.getDouble(i * 8);
                case "I64" -> raw.getLong(i * 8);
                case "I32" -> raw.getInt(i * 4);
                case "I16" -> raw.getShort(i * 2);
                case "I8" -> raw.get(i);
                case "U8" -> raw.get(i) & 0xff;
                default -> raw.get(i) != 0 ? 1f : 0f;
            };
        }
        return new HostTensor(shape, out, integer);
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long at, Path file) throws IOException {
        long pos = at;
        while (into.hasRemaining()) {
            int n = ch.read(into, pos);
            if (n < 0) {
                throw new CheckpointFormatException(file + " is cut short at byte " + pos);
            }
            pos += n;
        }
    }

    /** Writes the tensors (float32, integer ones as int64) and string metadata, crash-safe. */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        List<HostTensor> order = new ArrayList<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            long bytes = (long) t.data().length * (t.integer() ? 8 : 4);
            ObjectNode spec = header.putObject(e.getKey());
            spec.put("dtype", t.integer() ? "I64" : "F32");
            var shape = spec.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            spec.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
            order.add(t);
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(file, out -> {
            OutputStream o = new BufferedOutputStream(out, 1 << 16);
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            o.write(len.array());
            o.write(json);
            for (int i = json.length; i < padded; i++) {
                o.write(' ');
            }
            for (HostTensor t : order) {
                ByteBuffer b = ByteBuffer.allocate(t.data().length * (t.integer() ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.data()) {
                    if (t.integer()) {
                        b.putLong((long) v);
                    } else {
                        b.putFloat(v);
                    }
                }
                o.write(b.array());
            }
            o.flush();
        });
    }
}
