package org.smarttuner.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;
import org.smarttuner.tracking.Redaction;

/**
 * Writes a resolved configuration back as YAML or JSON, in the file's own key names. A URL's password
 * shows as {@code ***} ({@link Redaction}): the printed configuration is for reading, not for reuse with
 * its credentials.
 */
public final class ConfigPrinter {
    public enum Format { YAML, JSON }

    private ConfigPrinter() {
    }

    public static String print(TunerConfig config, Format format) {
        Map<String, Object> tree = toTree(config);
        try {
            ObjectMapper mapper = format == Format.JSON ? new ObjectMapper()
                    : new ObjectMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());
            return mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree)
                    + (format == Format.JSON ? "\n" : "");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The configuration as nested maps with snake_case keys (also used for MLflow params and Delta), every
     * URL's password masked.
     */
    public static Map<String, Object> toTree(TunerConfig config) {
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) value(config);
        tree.remove("source");
        @SuppressWarnings("unchecked")
        Map<String, Object> study = (Map<String, Object>) tree.get("study");
        @SuppressWarnings("unchecked")
        Map<String, Object> sampler = (Map<String, Object>) study.get("sampler");
        sampler.keySet().retainAll(SamplerConfig.keysFor(config.study().sampler().type()));
        @SuppressWarnings("unchecked")
        Map<String, Object> pruner = (Map<String, Object>) study.get("pruner");
        pruner.keySet().retainAll(PrunerConfig.keysFor(config.study().pruner().type()));
        if (config.study().pruner().type().equals("asha") && config.study().pruner().minResource().isEmpty()) {
            pruner.put("min_resource", "auto");
        }
        return tree;
    }

    private static Object value(Object v) {
        if (v instanceof Optional<?> o) {
            return o.map(ConfigPrinter::value).orElse(null);
        }
        if (v instanceof String s) {
            // The one way the config leaves the process (config output, MLflow params, Delta): no passwords.
            return Redaction.redact(s);
        }
        if (v instanceof java.util.List<?> l) {
            return l.stream().map(ConfigPrinter::value).toList();
        }
        if (v instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
        if (v instanceof Distribution d) {
            return distribution(d);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), value(x)));
            return out;
        }
        if (v != null && v.getClass().isRecord()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : v.getClass().getRecordComponents()) {
                try {
                    Object x = value(c.getAccessor().invoke(v));
                    if (x != null) {
                        out.put(snake(c.getName()), x);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
        return v;
    }

    private static Map<String, Object> distribution(Distribution d) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (d instanceof FloatDistribution f) {
            out.put("type", "float");
            out.put("low", f.low());
            out.put("high", f.high());
            out.put("log", f.log());
            f.step().ifPresent(s -> out.put("step", s));
        } else if (d instanceof IntDistribution i) {
            out.put("type", "int");
            out.put("low", i.low());
            out.put("high", i.high());
            out.put("log", i.log());
            out.put("step", i.step());
        } else if (d instanceof CategoricalDistribution c) {
            out.put("type", "categorical");
            out.put("choices", c.choices());
        }
        return out;
    }

    /** camelCase to snake_case: record components to the YAML keys and Delta columns they stand for. */
    public static String snake(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                sb.append('_').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
