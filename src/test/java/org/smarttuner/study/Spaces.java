package org.smarttuner.study;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/** Search spaces shared by the study tests. */
public final class Spaces {
    private Spaces() {
    }

    /** One parameter of every kind: float, log float, stepped float, int, stepped int, log int, categoricals. */
    public static Map<String, Distribution> everyKind() {
        Map<String, Distribution> s = new LinkedHashMap<>();
        s.put("f", FloatDistribution.of(-1.5, 2.5));
        s.put("flog", FloatDistribution.logUniform(1e-5, 1e-2));
        s.put("fstep", FloatDistribution.stepped(0.0, 1.0, 0.1));
        s.put("i", IntDistribution.of(-3, 7));
        s.put("istep", new IntDistribution(8, 64, false, 8));
        s.put("ilog", new IntDistribution(1, 1024, true, 1));
        s.put("cat", CategoricalDistribution.of("adam", "sgd", "adamw"));
        s.put("catnum", new CategoricalDistribution(List.of(1L, 2.5, true)));
        return s;
    }

    public static Map<String, Distribution> box(int d, double lo, double hi) {
        Map<String, Distribution> s = new LinkedHashMap<>();
        for (int i = 0; i < d; i++) {
            s.put("x" + i, FloatDistribution.of(lo, hi));
        }
        return s;
    }

    public static double sphere(Map<String, Object> p) {
        double s = 0;
        for (Object v : p.values()) {
            double x = ((Number) v).doubleValue();
            s += x * x;
        }
        return s;
    }
}
