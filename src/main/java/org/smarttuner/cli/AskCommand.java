package org.smarttuner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.StudyInfo;
import org.smarttuner.storage.Update;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.DistributionException;
import org.smarttuner.study.distribution.DistributionJson;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Starts a trial and prints its number and parameters (Optuna: {@code optuna ask}). The study is
 * rebuilt from the file and the trial written in one transaction, so parallel asks never clash.
 */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = {"Start a trial; prints {\"number\": N, \"params\": {...}} (Optuna's fields and formats). "
                + "An enqueued trial comes first.",
            "Example: --search-space '{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": "
                    + "{\"low\": 0.0, \"high\": 1.0}}}'"})
final class AskCommand implements Callable<Integer> {
    @Mixin
    StudyOptions study;

    private static final String EXAMPLE = "{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": {\"low\": 0.0, "
            + "\"high\": 1.0}}}";
    private static final String EMPTY_SPACE = "--search-space is required and must name at least one parameter, e.g. "
            + EXAMPLE + " (Optuna's ask without one starts a trial with no parameters; smart-tuner's asks only "
            + "for parameters it samples)";

    @Option(names = "--search-space", paramLabel = "JSON",
            description = "Parameter name -> Optuna distribution JSON object (required here, at least one parameter).")
    String searchSpace;

    @Option(names = "--sampler", defaultValue = "TPESampler",
            description = "TPESampler, CmaEsSampler, RandomSampler or GridSampler (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--sampler-kwargs", defaultValue = "{}", paramLabel = "JSON",
            description = "Sampler options, e.g. {\"seed\": 1, \"multivariate\": true}.")
    String samplerKwargs;

    @Mixin
    FormatOptions output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static Map<String, Distribution> parseSpace(String json) {
        if (json == null || json.isBlank()) {
            throw new UsageException(EMPTY_SPACE);
        }
        JsonNode root;
        try {
            root = StudyJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new UsageException("--search-space is not JSON: " + json);
        }
        if (root == null || !root.isObject()) {
            throw new UsageException("--search-space must be a JSON object of parameter name -> distribution, e.g. "
                    + EXAMPLE + "; got " + json);
        }
        if (root.isEmpty()) {
            throw new UsageException(EMPTY_SPACE);
        }
        Map<String, Distribution> space = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                space.put(e.getKey(), DistributionJson.parse(e.getValue().toString()));
            } catch (DistributionException ex) {
                throw new UsageException("--search-space: parameter '" + e.getKey() + "': " + ex.getMessage());
            }
        }
        return space;
    }

    @Override
    public Integer call() {
        Map<String, Distribution> space = parseSpace(searchSpace);
        Sampler s = CliSampler.build(sampler, samplerKwargs);
        FrozenTrial asked;
        try (SqliteStudyStorage st = study.open()) {
            StudyInfo info = study.require(st);
            org.smarttuner.storage.DriverMark.refuseWhileDriven(st, study.studyName, "ask");
            asked = st.update(study.studyName, trials -> {
                Study resumed = Study.resume(info.name(), info.direction(), s, new NopPruner(), trials);
                FrozenTrial t = resumed.ask(space);
                return new Update<>(List.of(t), t);
            });
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(record(asked, output.or(OutputFormat.json), output.flatten));
        out.flush();
        return Main.OK;
    }

    /** Optuna's ask record: the number, and params (an empty dict where there are none, unless flattened). */
    static String record(FrozenTrial t, OutputFormat format, boolean flatten) {
        Map<Column, Object> r = new LinkedHashMap<>();
        r.put(Column.of("number"), t.number());
        if (t.params().isEmpty() && !flatten) {
            r.put(Column.of("params"), Map.of());
        } else {
            t.params().forEach((k, v) -> r.put(new Column("params", k), v));
        }
        return OptunaOutput.one(r, List.copyOf(r.keySet()), format, flatten);
    }
}
