package org.smarttuner.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.sampler.TpeSampler;

/** The study file against the real Optuna from the project's venv. */
class OptunaInteropTest {
    @TempDir
    Path dir;

    private static JsonNode optunaReads(Path file, String study) throws Exception {
        String out = PythonEnv.run("optuna_read_study.py", 120, SqliteUrl.of(file), study);
        return new ObjectMapper().readTree(out);
    }

    private static void sameValue(Object ours, JsonNode theirs, String where) {
        if (ours == null) {
            assertTrue(theirs.isNull(), where + ": Optuna has " + theirs);
        } else if (ours instanceof Double d) {
            if (Double.isNaN(d)) {
                assertEquals("nan", theirs.asText(), where);
            } else if (Double.isInfinite(d)) {
                assertEquals(d > 0 ? "inf" : "-inf", theirs.asText(), where);
            } else {
                assertEquals(d, theirs.asDouble(), 0.0, where);
            }
        } else if (ours instanceof Long l) {
            assertTrue(theirs.isIntegralNumber(), where + ": Optuna has " + theirs);
            assertEquals(l.longValue(), theirs.asLong(), where);
        } else if (ours instanceof Boolean b) {
            assertEquals(b.booleanValue(), theirs.asBoolean(), where);
        } else {
            assertEquals(ours.toString(), theirs.asText(), where);
        }
    }

    @Test
    void optunaLoadsWhatWeWrite() throws Exception {
        Path f = dir.resolve("ours.db");
        List<FrozenTrial> trials = SqliteStudyStorageTest.sampleTrials(50);
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.createStudy("every", StudyDirection.MINIMIZE);
            st.writeTrials("every", trials);
        }
        JsonNode seen = optunaReads(f, "every");
        assertEquals("MINIMIZE", seen.get("direction").asText());
        assertEquals(trials.size(), seen.get("trials").size());
        for (FrozenTrial t : trials) {
            JsonNode o = seen.get("trials").get(t.number());
            String at = "trial " + t.number();
            assertEquals(t.number(), o.get("number").asInt(), at);
            assertEquals(t.state().name(), o.get("state").asText(), at);
            assertEquals(t.params().size(), o.get("params").size(), at);
            for (Map.Entry<String, Object> p : t.params().entrySet()) {
                sameValue(p.getValue(), o.get("params").get(p.getKey()), at + " param " + p.getKey());
                assertEquals(t.distributions().get(p.getKey()).toJson(),
                        o.get("distributions").get(p.getKey()).asText(), at + " distribution of " + p.getKey());
            }
            sameValue(t.value().orElse(null), o.get("value"), at + " value");
            assertEquals(t.intermediateValues().size(), o.get("intermediate_values").size(), at);
            t.intermediateValues().forEach((step, v) ->
                    sameValue(v, o.get("intermediate_values").get(String.valueOf(step)), at + " step " + step));
            assertEquals(t.userAttrs().size(), o.get("user_attrs").size(), at);
        }
        FrozenTrial best = Study.resume("every", StudyDirection.MINIMIZE, new TpeSampler(0), new NopPruner(), trials)
                .bestTrial().orElseThrow();
        assertEquals(best.number(), seen.get("best").get("number").asInt());
        sameValue(best.value().orElseThrow(), seen.get("best").get("value"), "best value");
    }

    @Test
    void weContinueAnOptunaStudyAndOptunaReadsItBack() throws Exception {
        Path f = dir.resolve("optuna.db");
        assertEquals("21", PythonEnv.run("optuna_make_study.py", 180, SqliteUrl.of(f), "theirs").strip());
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            List<FrozenTrial> history = st.trials("theirs");
            assertEquals(21, history.size());
            assertEquals(TrialState.WAITING, history.get(20).state());
            assertTrue(history.stream().anyMatch(t -> t.state() == TrialState.PRUNED));
            assertTrue(history.stream().anyMatch(t -> t.state() == TrialState.FAIL));
            Map<String, Distribution> space = history.get(0).distributions();
            TpeSampler tpe = new TpeSampler(5);
            FrozenTrial first = null;
            for (int i = 0; i < 11; i++) {
                FrozenTrial t = st.update("theirs", trials -> {
                    Study s = Study.resume("theirs", StudyDirection.MINIMIZE, tpe, new NopPruner(), trials);
                    FrozenTrial asked = s.ask(space);
                    return new Update<>(List.of(asked), asked);
                });
                if (first == null) {
                    first = t;
                }
                double x = (Double) t.params().get("x");
                st.update("theirs", trials -> {
                    Study s = Study.resume("theirs", StudyDirection.MINIMIZE, tpe, new NopPruner(), trials);
                    return new Update<>(List.of(s.tell(t.number(), x * x)), null);
                });
            }
            assertEquals(20, first.number(), "the enqueued trial is asked first");
            assertEquals(0.5, first.params().get("x"));
            assertEquals("adam", first.params().get("opt"));
            assertEquals(16L, first.params().get("batch"));
        }
        JsonNode seen = optunaReads(f, "theirs");
        JsonNode trials = seen.get("trials");
        assertEquals(31, trials.size(), "20 of Optuna's, its enqueued one run by us, and 10 more");
        int complete = 0;
        for (Iterator<JsonNode> it = trials.elements(); it.hasNext();) {
            JsonNode t = it.next();
            if (t.get("number").asInt() >= 20) {
                assertEquals("COMPLETE", t.get("state").asText());
                double x = t.get("params").get("x").asDouble();
                assertEquals(x * x, t.get("value").asDouble(), 1e-12);
                complete++;
            }
        }
        assertEquals(11, complete);
        assertEquals(0.25, trials.get(20).get("params").get("q").asDouble());
        assertTrue(seen.get("best").get("number").asInt() >= 0);
    }
}
