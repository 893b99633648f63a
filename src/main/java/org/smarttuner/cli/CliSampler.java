package org.smarttuner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.smarttuner.study.Rng;
import org.smarttuner.study.sampler.CmaEsSampler;
import org.smarttuner.study.sampler.GridSampler;
import org.smarttuner.study.sampler.RandomSampler;
import org.smarttuner.study.sampler.Sampler;
import org.smarttuner.study.sampler.TpeSampler;

/** --sampler and --sampler-kwargs of the ask command, with Optuna's class names and keyword names. */
final class CliSampler {
    private CliSampler() {
    }

    static Sampler build(String name, String kwargsJson) {
        JsonNode kw;
        try {
            kw = StudyJson.MAPPER.readTree(kwargsJson == null ? "{}" : kwargsJson);
        } catch (java.io.IOException e) {
            throw new UsageException("--sampler-kwargs is not JSON: " + kwargsJson);
        }
        if (kw == null || !kw.isObject()) {
            throw new UsageException("--sampler-kwargs must be a JSON object such as {\"seed\": 1}, got " + kwargsJson);
        }
        String kind = switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "tpesampler", "tpe" -> "tpe";
            case "cmaessampler", "cmaes" -> "cmaes";
            case "randomsampler", "random" -> "random";
            case "gridsampler", "grid" -> "grid";
            default -> throw new UsageException("--sampler: '" + name + "' is not one of TPESampler, CmaEsSampler, "
                    + "RandomSampler, GridSampler");
        };
        Set<String> allowed = switch (kind) {
            case "tpe" -> Set.of("seed", "n_startup_trials", "n_ei_candidates", "multivariate", "constant_liar",
                    "group");
            case "cmaes" -> Set.of("seed", "n_startup_trials", "sigma0", "popsize", "restart_strategy");
            default -> Set.of("seed");
        };
        for (Iterator<String> it = kw.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new UsageException("--sampler-kwargs: '" + k + "' is not an option of " + name + "; allowed: "
                        + List.copyOf(new java.util.TreeSet<>(allowed)));
            }
        }
        long seed = kw.has("seed") ? kw.get("seed").asLong() : Rng.freshSeed();
        return switch (kind) {
            case "tpe" -> new TpeSampler(seed, new TpeSampler.Options(kw.path("n_startup_trials").asInt(10),
                    kw.path("n_ei_candidates").asInt(24), kw.path("multivariate").asBoolean(true),
                    kw.path("constant_liar").asBoolean(true), kw.path("group").asBoolean(false)));
            case "cmaes" -> new CmaEsSampler(seed, new CmaEsSampler.Options(kw.path("n_startup_trials").asInt(1),
                    kw.has("sigma0") ? Optional.of(kw.get("sigma0").asDouble()) : Optional.empty(),
                    kw.has("popsize") ? Optional.of(kw.get("popsize").asInt()) : Optional.empty(),
                    "ipop".equals(kw.path("restart_strategy").asText(""))),
                    new TpeSampler(seed));
            case "random" -> new RandomSampler(seed);
            default -> new GridSampler(seed);
        };
    }
}
