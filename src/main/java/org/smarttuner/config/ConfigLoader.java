package org.smarttuner.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Loads a configuration: YAML file (or the embedded default), then Spark conf entries {@code
 * spark.smarttuner.a.b=v}, then {@code --set a.b=v} overrides, then {@code ${ENV}} and {@code
 * ${ENV:-default}} interpolation, then typed reading and validation. Every problem is collected
 * and reported together in one {@link ConfigException}.
 */
public final class ConfigLoader {
    /** The embedded default configuration, packaged from conf/local.yaml. */
    public static final String EMBEDDED_DEFAULT = "conf/local.yaml";
    public static final String SPARK_PREFIX = "spark.smarttuner.";
    /** Spark conf key that names the YAML file itself (Databricks JAR tasks). */
    public static final String SPARK_CONFIG_FILE_KEY = "spark.smarttuner.config";

    private final Function<String, String> env;
    private final Path workDir;

    public ConfigLoader(Function<String, String> env, Path workDir) {
        this.env = env;
        this.workDir = workDir.toAbsolutePath().normalize();
    }

    /** The loader for this process: its environment and working folder. */
    public static ConfigLoader system() {
        return new ConfigLoader(System::getenv, Path.of("").toAbsolutePath());
    }

    /** Loads a file, or the embedded default when {@code file} is null. */
    public TunerConfig load(Path file, List<String> sets, Map<String, String> sparkConf) {
        String origin;
        String text;
        if (file == null) {
            origin = "embedded:" + EMBEDDED_DEFAULT;
            text = embeddedDefault();
        } else {
            origin = file.toString();
            text = readFile(file);
        }
        return loadText(text, origin, sets, sparkConf);
    }

    public TunerConfig loadText(String text, String origin, List<String> sets, Map<String, String> sparkConf) {
        List<ConfigError> errors = new ArrayList<>();
        ConfigNode root = YamlTree.parse(text, origin);
        if (root instanceof ConfigNode.Mapping m) {
            Map<String, String> sorted = new TreeMap<>(sparkConf == null ? Map.of() : sparkConf);
            sorted.forEach((k, v) -> {
                if (k.startsWith(SPARK_PREFIX) && !k.equals(SPARK_CONFIG_FILE_KEY)) {
                    applyOverride(m, k.substring(SPARK_PREFIX.length()), v, Source.sparkConf(k), errors);
                }
            });
            for (String set : sets == null ? List.<String>of() : sets) {
                int eq = set.indexOf('=');
                if (eq <= 0) {
                    errors.add(new ConfigError(Source.override(set), "", "an override must look like key.path=value",
                            "--set study.n_trials=50, --set search_space.learning_rate.high=0.01"));
                    continue;
                }
                applyOverride(m, set.substring(0, eq).trim(), set.substring(eq + 1), Source.override(set), errors);
            }
        }
        root = Interpolation.apply(root, env, errors);
        ConfigReader reader = ConfigReader.root(root);
        TunerConfig config = TunerConfig.read(origin, reader, new PathResolver(workDir));
        errors.addAll(reader.errors());
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    static void applyOverride(ConfigNode.Mapping root, String path, String value, Source source,
                              List<ConfigError> errors) {
        String[] parts = path.split("\\.", -1);
        ConfigNode.Mapping cur = root;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                errors.add(new ConfigError(source, path, "the key path has an empty part",
                        "dot-separated keys such as study.n_trials"));
                return;
            }
            if (i == parts.length - 1) {
                cur.put(part, source, YamlTree.parseValue(value, source));
                return;
            }
            ConfigNode next = cur.get(part);
            if (next == null || next instanceof ConfigNode.Scalar s && s.value() == null) {
                ConfigNode.Mapping created = new ConfigNode.Mapping(source);
                cur.put(part, source, created);
                cur = created;
            } else if (next instanceof ConfigNode.Mapping nm) {
                cur = nm;
            } else {
                errors.add(new ConfigError(source, String.join(".", java.util.Arrays.copyOf(parts, i + 1)),
                        "cannot set a key below it: it is " + next.kindName() + ", not a mapping",
                        "a path through mappings"));
                return;
            }
        }
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigError(Source.file(file.toString(), 0, 0), "",
                    "the configuration file does not exist (looked in " + file.toAbsolutePath() + ")",
                    "an existing YAML file, e.g. conf/local.yaml")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(Source.file(file.toString(), 0, 0), "",
                    "the configuration file cannot be read: " + e, "a readable YAML file")));
        }
    }

    public static String embeddedDefault() {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(EMBEDDED_DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException("the embedded default " + EMBEDDED_DEFAULT
                        + " is missing from the jar; rebuild with mvn package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
