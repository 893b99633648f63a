package org.smarttuner.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;

/**
 * The study report as one self-contained HTML page: inline CSS, SVG and a few lines of script,
 * the alignment PNG and the WAV as data: URIs, nothing fetched from anywhere.
 */
public final class HtmlReport {
    /**
     * What the page shows: the study, the objective's name and direction, the best trial's sample and
     * (when the study pruned a trial whose checkpoint it kept) a pruned trial's beside it.
     */
    public record Input(StoredStudy study, StudyDirection direction, String metric, Sample sample,
                        Optional<Sample> pruned, Instant generatedAt) {
    }

    private HtmlReport() {
    }

    public static String render(Input in) {
        List<FrozenTrial> trials = in.study().trials();
        Optional<FrozenTrial> best = best(trials, in.direction());
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Smart Tuner report: ").append(Html.esc(in.study().name())).append("</title><style>")
                .append(CSS).append("</style></head><body>");
        h.append("<h1>Study ").append(Html.esc(in.study().name())).append("</h1><p class=\"meta\">")
                .append(Html.esc(in.direction().name().toLowerCase())).append(' ').append(Html.esc(in.metric()))
                .append(" &middot; ").append(counts(trials)).append(" &middot; read from ")
                .append(Html.esc(in.study().source())).append(" &middot; generated ").append(in.generatedAt())
                .append("</p>");
        section(h, "best", "Best trial", bestTable(best, in.metric()));
        section(h, "history", "Optimisation history", Charts.history(trials, in.direction(), in.metric()));
        section(h, "curves", "Intermediate values per trial", Charts.curves(trials, in.metric()));
        section(h, "importance", "Parameter importance", importance(Importance.of(trials)));
        section(h, "parallel", "Parallel coordinates", ParallelCoordinates.render(trials, in.direction(),
                in.metric()));
        section(h, "sample", in.pruned().isPresent() ? "Best trial, spoken, beside a pruned one"
                : "Best trial, spoken", voices(in.sample(), in.pruned()));
        section(h, "trials", "All trials", table(trials));
        h.append("<script>").append(SCRIPT).append("</script></body></html>\n");
        return h.toString();
    }

    static Optional<FrozenTrial> best(List<FrozenTrial> trials, StudyDirection direction) {
        FrozenTrial b = null;
        for (FrozenTrial t : trials) {
            if (t.state() == TrialState.COMPLETE && (b == null || direction.better(t.value().get(), b.value().get()))) {
                b = t;
            }
        }
        return Optional.ofNullable(b);
    }

    private static void section(StringBuilder h, String id, String title, String body) {
        h.append("<section id=\"").append(id).append("\"><h2>").append(Html.esc(title)).append("</h2>").append(body)
                .append("</section>");
    }

    private static String counts(List<FrozenTrial> trials) {
        Map<TrialState, Integer> c = new EnumMap<>(TrialState.class);
        trials.forEach(t -> c.merge(t.state(), 1, Integer::sum));
        StringBuilder sb = new StringBuilder().append(trials.size()).append(" trials");
        c.forEach((s, n) -> sb.append(", ").append(n).append(' ').append(s.name().toLowerCase()));
        return sb.toString();
    }

    private static String bestTable(Optional<FrozenTrial> best, String metric) {
        if (best.isEmpty()) {
            return "<p class=\"note\">No trial has completed yet.</p>";
        }
        FrozenTrial b = best.get();
        StringBuilder t = new StringBuilder("<table class=\"kv\"><tr><th>trial</th><td>#").append(b.number())
                .append("</td></tr><tr><th>").append(Html.esc(metric)).append("</th><td>")
                .append(Html.num(b.value().get())).append("</td></tr><tr><th>duration</th><td>")
                .append(duration(b)).append("</td></tr>");
        b.params().forEach((k, v) -> t.append("<tr><th>").append(Html.esc(k)).append("</th><td>")
                .append(v instanceof Double d ? Html.num(d) : Html.esc(v)).append("</td></tr>"));
        Object ck = b.systemAttrs().get("checkpoint");
        if (ck != null) {
            t.append("<tr><th>checkpoint</th><td><code>").append(Html.esc(ck)).append("</code></td></tr>");
        }
        return t.append("</table>").toString();
    }

    private static String duration(FrozenTrial t) {
        if (t.start().isEmpty() || t.complete().isEmpty()) {
            return "&ndash;";
        }
        long s = Duration.between(t.start().get(), t.complete().get()).toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private static String importance(Importance.Result r) {
        StringBuilder h = new StringBuilder("<p class=\"method\">Method: ").append(Html.esc(r.method()))
                .append(". Interactions between parameters are not counted; with few trials the shares are rough.</p>");
        if (r.notEnough().isPresent()) {
            return h.append("<p class=\"note\" id=\"importance-none\">").append(Html.esc(r.notEnough().get()))
                    .append(".</p>").toString();
        }
        int rowH = 26;
        int height = 10 + rowH * r.entries().size();
        h.append("<svg id=\"chart-importance\" class=\"chart\" role=\"img\" aria-label=\"parameter importance\" ")
                .append("viewBox=\"0 0 720 ").append(height).append("\" width=\"720\" height=\"").append(height)
                .append("\">");
        int y = 5;
        for (Importance.Entry e : r.entries()) {
            double w = Math.max(1, 440 * e.share());
            h.append("<text class=\"tick\" text-anchor=\"end\" x=\"195\" y=\"").append(y + 17).append("\">")
                    .append(Html.esc(e.param())).append("</text><rect class=\"bar\" x=\"200\" y=\"").append(y + 3)
                    .append("\" width=\"").append(Html.xy(w)).append("\" height=\"").append(rowH - 8)
                    .append("\"><title>").append(Html.esc(e.param())).append(": ").append(Html.num(e.share()))
                    .append(" over ").append(e.groups()).append(" groups</title></rect><text class=\"tick\" x=\"")
                    .append(Html.xy(206 + w)).append("\" y=\"").append(y + 17).append("\">")
                    .append(String.format(java.util.Locale.ROOT, "%.0f%%", 100 * e.share())).append("</text>");
            y += rowH;
        }
        int n = r.completedTrials();
        int k = r.entries().stream().mapToInt(Importance.Entry::groups).max().orElse(2);
        return h.append("</svg><p class=\"legend\">From ").append(n).append(" completed trials. A parameter that ")
                .append("does nothing still explains about (groups &minus; 1)/(trials &minus; 1) by chance: ")
                .append(String.format(java.util.Locale.ROOT, "%.0f%%", 100.0 * (k - 1) / Math.max(1, n - 1)))
                .append(" for ").append(k).append(" groups here.</p>").toString();
    }

    /** The best trial's sample and a pruned one's in two columns, the recording's mel under both. */
    private static String voices(Sample best, Optional<Sample> pruned) {
        StringBuilder h = new StringBuilder("<p>Text: <q>").append(Html.esc(best.text())).append("</q>")
                .append(best.recordedMelPng().isPresent() ? " (the first validation utterance, spoken from its text "
                        + "alone and judged against its recording)" : "").append("</p><div class=\"voices\">");
        h.append(column(best, "sample"));
        pruned.ifPresent(p -> h.append(column(p, "pruned")));
        h.append("</div>");
        Optional<byte[]> recorded = best.recordedMelPng().or(() -> pruned.flatMap(Sample::recordedMelPng));
        recorded.ifPresent(png -> h.append("<figure><img id=\"recorded-mel\" class=\"mel\" alt=\"recorded mel\" ")
                .append("src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\"><figcaption>The recording's mel, on the same colour scale as the generated ones above.")
                .append("</figcaption></figure>"));
        return h.toString();
    }

    private static String column(Sample s, String id) {
        StringBuilder h = new StringBuilder("<div class=\"voice\"><h3>").append(Html.esc(s.label())).append("</h3>");
        s.voice().ifPresent(v -> h.append("<table class=\"kv\" id=\"").append(id).append("-metrics\">")
                .append("<tr><th>MCD-DTW</th><td>").append(String.format(java.util.Locale.ROOT, "%.2f dB", v.mcd()))
                .append("</td></tr><tr><th>stopped by itself</th><td>").append(v.stopped() ? "yes" : "no")
                .append("</td></tr><tr><th>stop error</th><td>").append(Html.num(v.stopError()))
                .append("</td></tr><tr><th>attention walk</th><td>").append(Html.num(v.attention()))
                .append("</td></tr></table>"));
        image(h, s.alignmentPng(), id + "-alignment", "alignment",
                "Free-running attention: decoder steps left to right, text positions bottom to top.");
        image(h, s.melPng(), id + "-mel", "mel", "Generated mel (postnet), frames left to right.");
        if (s.wav().isPresent()) {
            h.append("<audio id=\"").append(id).append("-audio\" controls src=\"data:audio/wav;base64,")
                    .append(Base64.getEncoder().encodeToString(s.wav().get())).append("\"></audio>");
        }
        h.append("<p class=\"").append(s.present() ? "legend" : "note\" id=\"" + id + "-missing").append("\">")
                .append(s.present() ? "" : "No sample: ").append(Html.esc(s.note())).append("</p></div>");
        return h.toString();
    }

    private static void image(StringBuilder h, Optional<byte[]> png, String id, String css, String caption) {
        png.ifPresent(p -> h.append("<figure><img id=\"").append(id).append("\" class=\"").append(css)
                .append("\" alt=\"").append(Html.esc(caption)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(p)).append("\"><figcaption>").append(Html.esc(caption))
                .append("</figcaption></figure>"));
    }

    private static String table(List<FrozenTrial> trials) {
        StringBuilder t = new StringBuilder("<table class=\"trials\"><thead><tr><th>#</th><th>state</th><th>value</th>"
                + "<th>epochs</th><th>duration</th><th>params</th><th>note</th></tr></thead><tbody>");
        for (FrozenTrial x : trials) {
            t.append("<tr data-trial=\"").append(x.number()).append("\" class=\"")
                    .append(x.state().name().toLowerCase()).append("\"><td>").append(x.number()).append("</td><td>")
                    .append(x.state()).append("</td><td>").append(x.value().map(Html::num).orElse("&ndash;"))
                    .append("</td><td>").append(x.lastStep().isPresent() ? x.lastStep().getAsInt() : 0)
                    .append("</td><td>").append(duration(x)).append("</td><td>").append(Html.esc(x.params()))
                    .append("</td><td>").append(Html.esc(String.valueOf(x.systemAttrs().getOrDefault("fail_reason", ""))))
                    .append("</td></tr>");
        }
        return t.append("</tbody></table>").toString();
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:980px;\
            color:#1d2430;padding:0 16px}h1{margin-bottom:4px}.meta{color:#5a6473;margin-top:0}\
            section{margin:28px 0}h2{border-bottom:1px solid #dde2ea;padding-bottom:4px}\
            .chart{max-width:100%;height:auto;background:#fff}.frame{fill:none;stroke:#c9d0db}\
            .grid{stroke:#eef1f5}.tick{font-size:11px;fill:#5a6473}.title{font-size:12px;fill:#1d2430}\
            .point{fill:#2b6cb0}.best{fill:none;stroke:#d9480f;stroke-width:2}\
            .curve{fill:none;stroke-width:1.6}.curve.complete{stroke:#2b6cb0}.curve.pruned{stroke:#a0a8b5;\
            stroke-dasharray:5 3}.curve.fail{stroke:#c92a2a;stroke-dasharray:2 2}.curve.running{stroke:#2f9e44}\
            .pruned-mark{stroke:#868e96;stroke-width:2;fill:none}.pc-line{fill:none;stroke-width:1.6;opacity:.85}\
            .axis{stroke:#1d2430}.bar{fill:#2b6cb0}.hl{stroke-width:4!important;opacity:1!important}\
            .legend,.method{color:#5a6473;font-size:12px}.note{background:#fff4e6;border-left:3px solid #f08c00;\
            padding:6px 10px}.key{display:inline-block;width:18px;height:3px;vertical-align:middle;margin:0 4px 0 10px}\
            .key.point{background:#2b6cb0;height:8px;width:8px;border-radius:50%}.key.best,.key.complete{background:\
            #2b6cb0}.key.best{background:#d9480f}.key.pruned{background:#a0a8b5}.key.fail{background:#c92a2a}\
            .key.running{background:#2f9e44}table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;\
            border-bottom:1px solid #eef1f5;vertical-align:top}table.trials{font-size:12px;width:100%}\
            tr.pruned td{color:#868e96}tr.fail td{color:#c92a2a}tr.hl td{background:#e7f0fb}\
            img.alignment,img.mel{image-rendering:pixelated;max-width:100%;border:1px solid #dde2ea}\
            .voices{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:24px}\
            .voice h3{margin:4px 0}figure{margin:8px 0}figcaption{color:#5a6473;font-size:12px}\
            audio{display:block;margin:8px 0;width:100%;max-width:480px}""";

    /** Hovering a trial anywhere highlights it in every chart and in the table. */
    private static final String SCRIPT = """
            (function(){var all=document.querySelectorAll('[data-trial]');\
            function mark(n,on){document.querySelectorAll('[data-trial="'+n+'"]').forEach(function(e){\
            e.classList.toggle('hl',on);});}\
            all.forEach(function(e){var n=e.getAttribute('data-trial');\
            e.addEventListener('mouseenter',function(){mark(n,true);});\
            e.addEventListener('mouseleave',function(){mark(n,false);});});})();""";
}
