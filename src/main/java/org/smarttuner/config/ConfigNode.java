package org.smarttuner.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value with the place it was written, so every error can point at file, line and key. */
public sealed interface ConfigNode {

    Source source();

    /** Short name of the node's kind for error messages ("a mapping", "a list", "a string"). */
    String kindName();

    record Scalar(Object value, Source source) implements ConfigNode {
        /** value is null, Boolean, Long, Double or String. */
        @Override
        public String kindName() {
            if (value == null) {
                return "null";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            if (value instanceof Number) {
                return "a number";
            }
            return "a string";
        }

        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }

    record Sequence(List<ConfigNode> items, Source source) implements ConfigNode {
        public Sequence {
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        @Override
        public String kindName() {
            return "a list";
        }
    }

    /** Keys keep their own source, for "unknown key" errors that point at the key. */
    final class Mapping implements ConfigNode {
        private final LinkedHashMap<String, ConfigNode> entries = new LinkedHashMap<>();
        private final LinkedHashMap<String, Source> keySources = new LinkedHashMap<>();
        private final Source source;

        public Mapping(Source source) {
            this.source = source;
        }

        public void put(String key, Source keySource, ConfigNode value) {
            entries.put(key, value);
            keySources.put(key, keySource);
        }

        public ConfigNode get(String key) {
            return entries.get(key);
        }

        public Source keySource(String key) {
            return keySources.getOrDefault(key, source);
        }

        public Map<String, ConfigNode> entries() {
            return Collections.unmodifiableMap(entries);
        }

        public void remove(String key) {
            entries.remove(key);
            keySources.remove(key);
        }

        @Override
        public Source source() {
            return source;
        }

        @Override
        public String kindName() {
            return "a mapping";
        }

        @Override
        public String toString() {
            return entries.toString();
        }
    }
}
