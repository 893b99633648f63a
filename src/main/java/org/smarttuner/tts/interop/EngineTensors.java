package org.smarttuner.tts.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/** Between {@link HostTensor}s and the engine's arrays (float32 on the CPU). */
public final class EngineTensors {
    private EngineTensors() {
    }

    public static Map<String, NDArray> toArrays(Map<String, HostTensor> tensors, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> out.put(name, manager.create(t.data(), new Shape(t.shape()))));
        return out;
    }

    public static Map<String, HostTensor> fromArrays(Map<String, NDArray> arrays) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(name, fromArray(a)));
        return out;
    }

    public static HostTensor fromArray(NDArray a) {
        NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        return new HostTensor(a.getShape().getShape(), f.toFloatArray(), a.getDataType().isInteger());
    }
}
