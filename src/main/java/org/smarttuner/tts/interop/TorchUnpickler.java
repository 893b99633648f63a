package org.smarttuner.tts.interop;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * The pickle of a PyTorch checkpoint, read with Pyrolite's unpickler but allowing only what a
 * state_dict needs: tensor rebuilds ({@code torch._utils._rebuild_tensor_v2}, the older
 * {@code _rebuild_tensor}, {@code _rebuild_parameter}), the storage types, {@code collections.OrderedDict}
 * and the plain containers and numbers pickle has opcodes for. Any other global, and the opcodes
 * that build arbitrary objects (INST, OBJ, NEWOBJ, EXT), are refused before anything is created:
 * nothing named in the file is ever looked up or run.
 *
 * <p>Tensors come out as {@link TensorRef}s (storage, offset, size, stride); the caller reads their
 * bytes from the archive. Not thread-safe; one instance per file.
 */
final class TorchUnpickler extends Unpickler {
    private static final short GLOBAL = 'c';
    private static final short STACK_GLOBAL = 0x93;
    private static final short INST = 'i';
    private static final short OBJ = 'o';
    private static final short NEWOBJ = 0x81;
    private static final short NEWOBJ_EX = 0x92;
    private static final short EXT1 = 0x82;
    private static final short EXT2 = 0x83;
    private static final short EXT4 = 0x84;
    private static final short PERSID = 'P';
    private static final short BUILD = 'b';

    private static final Map<String, Object> ALLOWED = allowed();
    private final String file;

    TorchUnpickler(String file) {
        this.file = file;
    }

    /** A storage's element type, from its pickled class ({@code torch.FloatStorage} ...). */
    enum StorageType implements IObjectConstructor {
        FLOAT("FloatStorage", 4, true), HALF("HalfStorage", 2, true), BFLOAT16("BFloat16Storage", 2, true),
        DOUBLE("DoubleStorage", 8, true), LONG("LongStorage", 8, false), INT("IntStorage", 4, false),
        SHORT("ShortStorage", 2, false), CHAR("CharStorage", 1, false), BYTE("ByteStorage", 1, false),
        BOOL("BoolStorage", 1, false);

        final String pythonName;
        final int bytes;
        final boolean floating;

        StorageType(String pythonName, int bytes, boolean floating) {
            this.pythonName = pythonName;
            this.bytes = bytes;
            this.floating = floating;
        }

        @Override
        public Object construct(Object[] args) {
            throw new PickleException("the checkpoint calls torch." + pythonName + " (a storage type is only a tag)");
        }
    }

    /** One storage: its key in the archive, element type and element count. */
    record StorageRef(String key, StorageType type, long elements) {
    }

    /** A tensor over a storage (what {@code _rebuild_tensor_v2} would build). */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /** {@code collections.OrderedDict}, the only object whose attributes a BUILD may set (a state_dict's _metadata). */
    static final class PickledDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    private static Map<String, Object> allowed() {
        Map<String, Object> m = new HashMap<>();
        m.put("collections.OrderedDict", (IObjectConstructor) args -> new PickledDict());
        m.put("torch._utils._rebuild_tensor_v2", (IObjectConstructor) TorchUnpickler::rebuildTensor);
        m.put("torch._utils._rebuild_tensor", (IObjectConstructor) TorchUnpickler::rebuildTensor);
        m.put("torch._utils._rebuild_parameter", (IObjectConstructor) args -> {
            if (args.length < 1 || !(args[0] instanceof TensorRef)) {
                throw new PickleException("_rebuild_parameter without a tensor");
            }
            return args[0];
        });
        for (StorageType t : StorageType.values()) {
            m.put("torch." + t.pythonName, t);
        }
        return Map.copyOf(m);
    }

    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef s)) {
            throw new PickleException("a tensor rebuild without a storage");
        }
        return new TensorRef(s, number(args[1], "storage offset"), longs(args[2], "size"), longs(args[3], "stride"));
    }

    private static long[] longs(Object tuple, String what) {
        if (!(tuple instanceof Object[] items)) {
            throw new PickleException("a tensor's " + what + " is not a tuple");
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = number(items[i], what);
        }
        return out;
    }

    static long number(Object o, String what) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger b && b.bitLength() < 63) {
            return b.longValue();
        }
        throw new PickleException(what + " is not an integer: " + o);
    }

    /** Reads one pickle (up to its STOP) from {@code in}, leaving the stream just after it. */
    Object read(InputStream in) throws IOException {
        try {
            return load(in);
        } catch (PickleException | ClassCastException | IllegalArgumentException e) {
            throw new CheckpointFormatException(file + ": its pickle is not a PyTorch state_dict this tool reads: "
                    + e.getMessage(), e);
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(global(module, name));
                return NO_RETURN_VALUE;
            }
            case STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(name instanceof String n) || !(module instanceof String m)) {
                    throw new PickleException("STACK_GLOBAL needs two strings");
                }
                stack.add(global(m, n));
                return NO_RETURN_VALUE;
            }
            case INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT1, EXT2, EXT4 -> throw new PickleException(
                    "it builds an arbitrary object (pickle opcode 0x" + Integer.toHexString(key)
                            + "); a state_dict holds only tensors, containers and numbers");
            case BUILD -> {
                Object state = stack.pop();
                if (!(stack.peek() instanceof PickledDict)) {
                    throw new PickleException("it sets the state of a " + stack.peek().getClass().getSimpleName()
                            + " (pickle BUILD); only an OrderedDict's attributes are accepted");
                }
                // state_dict()._metadata (module versions): nothing in it is needed to load weights
                return NO_RETURN_VALUE;
            }
            case PERSID -> throw new PickleException("a text persistent id (pickle protocol 0) is not a PyTorch storage");
            default -> {
                return super.dispatch(key);
            }
        }
    }

    private Object global(String module, String name) {
        Object allowed = ALLOWED.get(module + "." + name);
        if (allowed == null) {
            throw new PickleException("it refers to " + module + "." + name
                    + ", which a state_dict does not need (allowed: tensors, storages, OrderedDict, plain "
                    + "containers and numbers); it was not loaded");
        }
        return allowed;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
            throw new PickleException("a persistent id that is not a tensor storage: "
                    + (pid instanceof Object[] a && a.length > 0 ? a[0] : pid));
        }
        if (!(t[1] instanceof StorageType type)) {
            throw new PickleException("a storage without a storage type");
        }
        if (t.length > 5 && t[5] != null) {
            throw new PickleException("a storage view (PyTorch before 0.4); load and save it again with a newer "
                    + "PyTorch");
        }
        return new StorageRef(String.valueOf(t[2]), type, number(t[4], "storage size"));
    }
}
