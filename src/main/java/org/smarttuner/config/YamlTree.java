package org.smarttuner.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads YAML into {@link ConfigNode}s that remember their line and column (Jackson's YAML parser
 * gives token locations; its tree model does not keep them).
 */
public final class YamlTree {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private YamlTree() {
    }

    public static ConfigNode parse(String text, String origin) {
        try (Reader r = new StringReader(text)) {
            return parse(r, origin);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ConfigNode parse(Reader reader, String origin) throws IOException {
        try (JsonParser p = FACTORY.createParser(reader)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new ConfigNode.Mapping(Source.file(origin, 1, 1));
            }
            ConfigNode root = read(p, origin);
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String msg = e.getOriginalMessage();
            throw new ConfigException(List.of(new ConfigError(
                    Source.file(origin, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr()),
                    "", "the file is not valid YAML: " + firstLine(msg), "YAML mappings of the sections "
                    + "study, search_space, data, model, training, execution, output")));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "parse error";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    private static Source here(JsonParser p, String origin) {
        JsonLocation l = p.currentTokenLocation();
        return Source.file(origin, l.getLineNr(), l.getColumnNr());
    }

    private static ConfigNode read(JsonParser p, String origin) throws IOException {
        Source src = here(p, origin);
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ConfigNode.Mapping m = new ConfigNode.Mapping(src);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Source ks = here(p, origin);
                    if (m.get(key) != null) {
                        throw new ConfigException(List.of(new ConfigError(ks, key,
                                "key '" + key + "' is written twice in the same mapping (first at line "
                                        + m.keySource(key).line() + ")", "each key once")));
                    }
                    p.nextToken();
                    m.put(key, ks, read(p, origin));
                }
                return m;
            }
            case START_ARRAY -> {
                List<ConfigNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, origin));
                }
                return new ConfigNode.Sequence(items, src);
            }
            case VALUE_STRING -> {
                return new ConfigNode.Scalar(p.getText(), src);
            }
            case VALUE_NUMBER_INT -> {
                return new ConfigNode.Scalar(p.getLongValue(), src);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new ConfigNode.Scalar(p.getDoubleValue(), src);
            }
            case VALUE_TRUE -> {
                return new ConfigNode.Scalar(Boolean.TRUE, src);
            }
            case VALUE_FALSE -> {
                return new ConfigNode.Scalar(Boolean.FALSE, src);
            }
            case VALUE_NULL -> {
                return new ConfigNode.Scalar(null, src);
            }
            default -> throw new ConfigException(List.of(new ConfigError(src, "",
                    "unexpected YAML token " + p.currentToken(), "mappings, lists and scalars")));
        }
    }

    /** Parses one override value ("3", "1e-3", "true", "[a, b]", "{low: 1}") the way YAML would. */
    public static ConfigNode parseValue(String text, Source source) {
        if (text.isEmpty()) {
            return new ConfigNode.Scalar("", source);
        }
        ConfigNode n;
        try {
            n = parse("v: " + text, source.origin());
        } catch (ConfigException e) {
            return new ConfigNode.Scalar(text, source);
        }
        ConfigNode v = ((ConfigNode.Mapping) n).get("v");
        return relocate(v, source);
    }

    private static ConfigNode relocate(ConfigNode n, Source s) {
        if (n instanceof ConfigNode.Scalar sc) {
            return new ConfigNode.Scalar(sc.value(), s);
        }
        if (n instanceof ConfigNode.Sequence seq) {
            return new ConfigNode.Sequence(seq.items().stream().map(i -> relocate(i, s)).toList(), s);
        }
        ConfigNode.Mapping m = (ConfigNode.Mapping) n;
        ConfigNode.Mapping out = new ConfigNode.Mapping(s);
        m.entries().forEach((k, v) -> out.put(k, s, relocate(v, s)));
        return out;
    }
}
