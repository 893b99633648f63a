package org.smarttuner.config;

import java.util.List;
import java.util.Map;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.tts.data.DataSettings;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.train.TrainingSettings;

/** A whole, validated configuration. Built only by {@link ConfigLoader}. */
public record TunerConfig(
        String source,
        StudyConfig study,
        Map<String, Distribution> searchSpace,
        DataSettings data,
        ModelSettings model,
        TrainingSettings training,
        ExecutionConfig execution,
        OutputConfig output) {

    public static final List<String> SECTIONS = List.of("study", "search_space", "data", "model", "training",
            "execution", "output");

    static TunerConfig read(String source, ConfigReader root, PathResolver paths) {
        ConfigReader s = root.section("study");
        StudyConfig study = StudyConfig.read(s);
        s.finish();
        ConfigReader d = root.section("data");
        DataSettings data = DataSection.read(d, paths);
        d.finish();
        ConfigReader m = root.tunableSection("model");
        ModelSettings model = ModelSection.read(m);
        m.finish();
        ConfigReader t = root.tunableSection("training");
        TrainingSettings training = TrainingSection.read(t, paths);
        t.finish();
        Map<String, Distribution> space = SearchSpaceReader.read(root, root.tunables());
        ConfigReader e = root.section("execution");
        ExecutionConfig execution = ExecutionConfig.read(e, paths);
        e.finish();
        ConfigReader o = root.section("output");
        OutputConfig output = OutputConfig.read(o, paths);
        o.finish();
        root.finish();
        crossChecks(root, study, space, training, data);
        return new TunerConfig(source, study, space, data, model, training, execution, output);
    }

    private static void crossChecks(ConfigReader root, StudyConfig study, Map<String, Distribution> space,
                                    TrainingSettings training, DataSettings data) {
        if (training.mcdCoefficients() >= data.audio().nMels()) {
            root.errors().add(new ConfigError(root.sourceAt("training.mcd_coefficients"), "training.mcd_coefficients",
                    training.mcdCoefficients() + " cepstral coefficients need more than the "
                    + data.audio().nMels() + " mel bands of data.audio.n_mels (c0 is dropped)",
                    "an integer from 1 to " + (data.audio().nMels() - 1)));
        }
        if (study.sampler().type().equals("grid")) {
            space.forEach((name, dist) -> {
                if (dist instanceof FloatDistribution f && f.step().isEmpty()) {
                    root.errors().add(new ConfigError(root.sourceAt("search_space." + name),
                            "search_space." + name, "the grid sampler needs a step for every float parameter",
                            "add step: <value> (dividing high - low), or use a categorical list of values"));
                }
            });
        }
        PrunerConfig p = study.pruner();
        if ((p.type().equals("asha") || p.type().equals("hyperband"))) {
            int max = p.maxResource().orElse(training.epochs());
            if (p.minResource().isPresent() && p.minResource().get() > max) {
                root.errors().add(new ConfigError(root.sourceAt("study.pruner.min_resource"),
                        "study.pruner.min_resource", "min_resource " + p.minResource().get() + " is above the "
                        + "maximum resource " + max + " (training.epochs or max_resource)",
                        "min_resource <= training.epochs"));
            }
        }
        if (p.maxResource().isPresent() && p.maxResource().get() > training.epochs()) {
            root.errors().add(new ConfigError(root.sourceAt("study.pruner.max_resource"),
                    "study.pruner.max_resource", "max_resource " + p.maxResource().get()
                    + " is above training.epochs " + training.epochs(), "max_resource <= training.epochs"));
        }
    }

    /** The model settings of a trial: the base ones with the trial's sampled keys replaced. */
    public ModelSettings model(Map<String, ?> params) {
        return TrialParams.apply(model, params);
    }

    /** The training settings of a trial: the base ones with the trial's sampled keys replaced. */
    public TrainingSettings training(Map<String, ?> params) {
        return TrialParams.apply(training, params);
    }

    /** The maximum resource (epochs) a trial trains for. */
    public int maxEpochs() {
        return study.pruner().maxResource().orElse(training.epochs());
    }
}
