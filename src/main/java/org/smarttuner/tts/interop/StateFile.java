package org.smarttuner.tts.interop;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a weights file holds: its tensors by name (in the file's order) and the plain scalars saved
 * beside them (NVIDIA's {@code iteration} and {@code learning_rate}, safetensors metadata).
 */
public record StateFile(String format, Map<String, HostTensor> tensors, Map<String, Object> info) {
    public StateFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    /**
     * Without the {@code module.} prefix that {@code DistributedDataParallel} puts on every name,
     * when every name has it.
     */
    public StateFile withoutModulePrefix() {
        if (tensors.isEmpty() || !tensors.keySet().stream().allMatch(k -> k.startsWith("module."))) {
            return this;
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k.substring("module.".length()), v));
        return new StateFile(format, out, info);
    }
}
