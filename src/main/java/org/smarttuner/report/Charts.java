package org.smarttuner.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;

/** The optimisation history and the per-epoch curves of every trial, as inline SVG. */
final class Charts {
    private Charts() {
    }

    /** Each completed trial's value by trial number, and the best so far as a step line. */
    static String history(List<FrozenTrial> trials, StudyDirection direction, String metric) {
        List<FrozenTrial> done = trials.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        if (done.isEmpty()) {
            return "<p class=\"note\">No trial has completed yet: there is no history to draw.</p>";
        }
        double minN = done.get(0).number();
        double maxN = done.get(done.size() - 1).number();
        double lo = done.stream().mapToDouble(t -> t.value().get()).min().orElse(0);
        double hi = done.stream().mapToDouble(t -> t.value().get()).max().orElse(1);
        Plot p = new Plot("chart-history", "optimisation history", Plot.xScale(minN, maxN, false),
                Plot.yScale(lo, hi, false), "trial number", metric, true);
        StringBuilder best = new StringBuilder();
        Double bestSoFar = null;
        for (FrozenTrial t : done) {
            double v = t.value().get();
            double px = p.x.at(t.number());
            if (bestSoFar != null) {
                best.append(" L").append(Html.xy(px)).append(',').append(Html.xy(p.y.at(bestSoFar)));
            }
            if (bestSoFar == null || direction.better(v, bestSoFar)) {
                bestSoFar = v;
            }
            best.append(best.length() == 0 ? "M" : " L").append(Html.xy(px)).append(',')
                    .append(Html.xy(p.y.at(bestSoFar)));
        }
        p.add("<path class=\"best\" d=\"" + best + "\"/>");
        for (FrozenTrial t : done) {
            p.add("<circle class=\"point\" data-trial=\"" + t.number() + "\" cx=\"" + Html.xy(p.x.at(t.number()))
                    + "\" cy=\"" + Html.xy(p.y.at(t.value().get())) + "\" r=\"4\"><title>trial " + t.number() + ": "
                    + Html.num(t.value().get()) + "</title></circle>");
        }
        return p.end() + "<p class=\"legend\"><span class=\"key point\"></span> completed trial "
                + "<span class=\"key best\"></span> best so far</p>";
    }

    /** Intermediate values by epoch, one line per trial; pruned trials dashed, ending in a cross. */
    static String curves(List<FrozenTrial> trials, String metric) {
        List<FrozenTrial> with = trials.stream().filter(t -> !t.intermediateValues().isEmpty()).toList();
        List<Double> values = new ArrayList<>();
        int maxStep = 1;
        int minStep = Integer.MAX_VALUE;
        for (FrozenTrial t : with) {
            for (Map.Entry<Integer, Double> e : t.intermediateValues().entrySet()) {
                if (Double.isFinite(e.getValue())) {
                    values.add(e.getValue());
                    maxStep = Math.max(maxStep, e.getKey());
                    minStep = Math.min(minStep, e.getKey());
                }
            }
        }
        if (values.isEmpty()) {
            return "<p class=\"note\">No trial has reported an epoch yet: there are no curves to draw.</p>";
        }
        Plot p = new Plot("chart-curves", "intermediate values per trial", Plot.xScale(minStep, maxStep, false),
                Plot.yScale(values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                        values.stream().mapToDouble(Double::doubleValue).max().orElse(1), false), "epoch", metric, true);
        for (FrozenTrial t : with) {
            StringBuilder d = new StringBuilder();
            double lastX = 0;
            double lastY = 0;
            for (Map.Entry<Integer, Double> e : t.intermediateValues().entrySet()) {
                if (!Double.isFinite(e.getValue())) {
                    continue;
                }
                lastX = p.x.at(e.getKey());
                lastY = p.y.at(e.getValue());
                d.append(d.length() == 0 ? "M" : " L").append(Html.xy(lastX)).append(',').append(Html.xy(lastY));
            }
            String cls = "curve " + t.state().name().toLowerCase(java.util.Locale.ROOT);
            p.add("<path class=\"" + cls + "\" data-trial=\"" + t.number() + "\" d=\"" + d + "\"><title>trial "
                    + t.number() + " (" + t.state() + ")</title></path>");
            if (t.state() == TrialState.PRUNED) {
                p.add("<path class=\"pruned-mark\" data-trial=\"" + t.number() + "\" d=\"M" + Html.xy(lastX - 5)
                        + ',' + Html.xy(lastY - 5) + " l10,10 m0,-10 l-10,10\"><title>trial " + t.number()
                        + " pruned here</title></path>");
            }
        }
        return p.end() + "<p class=\"legend\"><span class=\"key complete\"></span> complete "
                + "<span class=\"key pruned\"></span> pruned (&#x2715; where it was stopped) "
                + "<span class=\"key fail\"></span> failed <span class=\"key running\"></span> running</p>";
    }
}
