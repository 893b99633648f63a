package org.smarttuner.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/**
 * One vertical axis per parameter and one for the objective; each completed trial is a line
 * through its values, coloured from best (dark) to worst (light). Axes span the distribution's
 * range (log where the distribution is log), categoricals spread their choices evenly.
 */
final class ParallelCoordinates {
    private static final int W = 720;
    private static final int H = 340;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    private ParallelCoordinates() {
    }

    static String render(List<FrozenTrial> trials, StudyDirection direction, String metric) {
        List<FrozenTrial> done = trials.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
        if (done.isEmpty()) {
            return "<p class=\"note\">No trial has completed yet: nothing to draw.</p>";
        }
        Map<String, Distribution> axes = new LinkedHashMap<>();
        done.forEach(t -> t.distributions().forEach(axes::putIfAbsent));
        int n = axes.size() + 1;
        double step = (W - 120.0) / Math.max(1, n - 1);
        List<Scale> scales = new ArrayList<>();
        for (Distribution d : axes.values()) {
            scales.add(scale(d));
        }
        double lo = done.stream().mapToDouble(t -> t.value().get()).min().orElse(0);
        double hi = done.stream().mapToDouble(t -> t.value().get()).max().orElse(1);
        Scale obj = Scale.of(lo, hi, H - BOTTOM, TOP, false);
        StringBuilder svg = new StringBuilder("<svg id=\"chart-parallel\" class=\"chart\" role=\"img\" "
                + "aria-label=\"parallel coordinates\" viewBox=\"0 0 " + W + " " + H + "\" width=\"" + W
                + "\" height=\"" + H + "\">");
        List<FrozenTrial> ordered = new ArrayList<>(done);
        // Worst first, so the best lines are drawn on top.
        ordered.sort((a, b) -> direction.better(a.value().get(), b.value().get()) ? 1
                : direction.better(b.value().get(), a.value().get()) ? -1 : 0);
        for (int i = 0; i < ordered.size(); i++) {
            FrozenTrial t = ordered.get(i);
            double rank = ordered.size() == 1 ? 1 : (double) i / (ordered.size() - 1);
            StringBuilder d = new StringBuilder();
            int a = 0;
            for (Map.Entry<String, Distribution> e : axes.entrySet()) {
                Double v = t.internalParams().get(e.getKey());
                if (v != null) {
                    double y = scales.get(a).at(v);
                    d.append(d.length() == 0 ? "M" : " L").append(Html.xy(60 + a * step)).append(',').append(Html.xy(y));
                }
                a++;
            }
            d.append(d.length() == 0 ? "M" : " L").append(Html.xy(60 + a * step)).append(',')
                    .append(Html.xy(obj.at(t.value().get())));
            int light = (int) Math.round(75 - 50 * rank);
            svg.append("<path class=\"pc-line\" data-trial=\"").append(t.number()).append("\" d=\"").append(d)
                    .append("\" stroke=\"hsl(215,70%,").append(light).append("%)\"><title>trial ").append(t.number())
                    .append(": ").append(Html.esc(t.params())).append(" → ").append(Html.num(t.value().get()))
                    .append("</title></path>");
        }
        int a = 0;
        for (Map.Entry<String, Distribution> e : axes.entrySet()) {
            axis(svg, 60 + a * step, e.getKey(), e.getValue(), scales.get(a));
            a++;
        }
        double ox = 60 + a * step;
        svg.append("<line class=\"axis\" x1=\"").append(Html.xy(ox)).append("\" x2=\"").append(Html.xy(ox))
                .append("\" y1=\"").append(TOP).append("\" y2=\"").append(H - BOTTOM).append("\"/>");
        svg.append(label(ox, H - BOTTOM + 18, metric, "title"));
        svg.append(label(ox - 4, obj.at(hi) + 4, Html.num(hi), "tick end"));
        svg.append(label(ox - 4, obj.at(lo) + 4, Html.num(lo), "tick end"));
        return svg.append("</svg>").toString();
    }

    private static Scale scale(Distribution d) {
        if (d instanceof FloatDistribution f) {
            return Scale.of(f.low(), f.high(), H - BOTTOM, TOP, f.log());
        }
        if (d instanceof IntDistribution i) {
            return Scale.of(i.low(), i.high(), H - BOTTOM, TOP, i.log());
        }
        int k = ((CategoricalDistribution) d).choices().size();
        return Scale.of(0, Math.max(1, k - 1), H - BOTTOM, TOP, false);
    }

    private static void axis(StringBuilder svg, double x, String name, Distribution d, Scale s) {
        svg.append("<line class=\"axis\" x1=\"").append(Html.xy(x)).append("\" x2=\"").append(Html.xy(x))
                .append("\" y1=\"").append(TOP).append("\" y2=\"").append(H - BOTTOM).append("\"/>");
        svg.append(label(x, H - BOTTOM + 18, name, "title"));
        if (d instanceof CategoricalDistribution c) {
            for (int i = 0; i < c.choices().size(); i++) {
                svg.append(label(x + 4, s.at(i) + 4, String.valueOf(c.choices().get(i)), "tick start"));
            }
        } else {
            double low = d instanceof FloatDistribution f ? f.low() : ((IntDistribution) d).low();
            double high = d instanceof FloatDistribution f ? f.high() : ((IntDistribution) d).high();
            svg.append(label(x + 4, s.at(high) + 4, Html.num(high), "tick start"));
            svg.append(label(x + 4, s.at(low) + 4, Html.num(low), "tick start"));
        }
    }

    private static String label(double x, double y, String text, String cls) {
        String anchor = cls.endsWith(" start") ? "start" : cls.endsWith(" end") ? "end" : "middle";
        return "<text class=\"" + cls.replaceAll(" (start|end)$", "") + "\" text-anchor=\"" + anchor
                + "\" x=\"" + Html.xy(x) + "\" y=\"" + Html.xy(y) + "\">" + Html.esc(text) + "</text>";
    }
}
