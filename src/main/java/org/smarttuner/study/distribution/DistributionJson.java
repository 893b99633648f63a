package org.smarttuner.study.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Optuna's {@code distribution_json} back into a {@link Distribution}; {@link
 * Distribution#toJson()} writes it. Also accepts the pre-3.0 names Optuna still reads
 * (UniformDistribution, LogUniformDistribution, DiscreteUniformDistribution,
 * IntUniformDistribution, IntLogUniformDistribution).
 */
public final class DistributionJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DistributionJson() {
    }

    public static Distribution parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DistributionException("not a distribution JSON: " + json + " (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.hasNonNull("name") || !root.has("attributes")) {
            throw new DistributionException("a distribution JSON needs 'name' and 'attributes', got " + json);
        }
        String name = root.get("name").asText();
        JsonNode a = root.get("attributes");
        return switch (name) {
            case "FloatDistribution" -> new FloatDistribution(num(a, "low", json), num(a, "high", json),
                    a.path("log").asBoolean(false),
                    a.hasNonNull("step") ? Optional.of(a.get("step").asDouble()) : Optional.empty());
            case "UniformDistribution" -> FloatDistribution.of(num(a, "low", json), num(a, "high", json));
            case "LogUniformDistribution" -> FloatDistribution.logUniform(num(a, "low", json), num(a, "high", json));
            case "DiscreteUniformDistribution" -> FloatDistribution.stepped(num(a, "low", json),
                    num(a, "high", json), num(a, "q", json));
            case "IntDistribution" -> new IntDistribution((long) num(a, "low", json), (long) num(a, "high", json),
                    a.path("log").asBoolean(false), a.hasNonNull("step") ? a.get("step").asLong() : 1);
            case "IntUniformDistribution" -> new IntDistribution((long) num(a, "low", json),
                    (long) num(a, "high", json), false, a.hasNonNull("step") ? a.get("step").asLong() : 1);
            case "IntLogUniformDistribution" -> new IntDistribution((long) num(a, "low", json),
                    (long) num(a, "high", json), true, 1);
            case "CategoricalDistribution" -> categorical(a, json);
            default -> throw new DistributionException("unknown distribution '" + name + "' in " + json
                    + " (known: FloatDistribution, IntDistribution, CategoricalDistribution)");
        };
    }

    private static double num(JsonNode a, String key, String json) {
        JsonNode n = a.get(key);
        if (n == null || !n.isNumber()) {
            throw new DistributionException("distribution JSON " + json + " has no number '" + key + "'");
        }
        return n.asDouble();
    }

    private static Distribution categorical(JsonNode a, String json) {
        JsonNode cs = a.get("choices");
        if (cs == null || !cs.isArray()) {
            throw new DistributionException("distribution JSON " + json + " has no 'choices' list");
        }
        List<Object> choices = new ArrayList<>();
        for (JsonNode c : cs) {
            if (c.isNull()) {
                choices.add(null);
            } else if (c.isBoolean()) {
                choices.add(c.asBoolean());
            } else if (c.isIntegralNumber()) {
                choices.add(c.asLong());
            } else if (c.isNumber()) {
                choices.add(c.asDouble());
            } else if (c.isTextual()) {
                choices.add(c.asText());
            } else {
                throw new DistributionException("categorical choice " + c + " in " + json
                        + " is not a string, number, boolean or null");
            }
        }
        return new CategoricalDistribution(choices);
    }
}
