package org.smarttuner.report;

/** An SVG chart frame: size, margins, two scales, axes with five ticks each and their titles. */
final class Plot {
    static final int W = 720;
    static final int H = 320;
    static final int LEFT = 70;
    static final int RIGHT = 20;
    static final int TOP = 20;
    static final int BOTTOM = 45;

    final Scale x;
    final Scale y;
    private final StringBuilder svg = new StringBuilder();

    /** @param integerX ticks on whole numbers only (trial numbers, epochs) */
    Plot(String id, String label, Scale x, Scale y, String xTitle, String yTitle, boolean integerX) {
        this.x = x;
        this.y = y;
        svg.append("<svg id=\"").append(id).append("\" class=\"chart\" role=\"img\" aria-label=\"")
                .append(Html.esc(label)).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" width=\"").append(W).append("\" height=\"").append(H).append("\">");
        svg.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(W - LEFT - RIGHT).append("\" height=\"").append(H - TOP - BOTTOM).append("\"/>");
        for (double v : xTicks(integerX)) {
            double px = x.at(v);
            svg.append("<line class=\"grid\" x1=\"").append(Html.xy(px)).append("\" x2=\"").append(Html.xy(px))
                    .append("\" y1=\"").append(TOP).append("\" y2=\"").append(H - BOTTOM).append("\"/>");
            svg.append("<text class=\"tick\" text-anchor=\"middle\" x=\"").append(Html.xy(px)).append("\" y=\"")
                    .append(H - BOTTOM + 16).append("\">").append(Html.num(v)).append("</text>");
        }
        for (int i = 0; i <= 4; i++) {
            double py = TOP + i * (H - TOP - BOTTOM) / 4.0;
            svg.append("<line class=\"grid\" y1=\"").append(Html.xy(py)).append("\" y2=\"").append(Html.xy(py))
                    .append("\" x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\"/>");
            svg.append("<text class=\"tick\" text-anchor=\"end\" x=\"").append(LEFT - 6).append("\" y=\"")
                    .append(Html.xy(py + 4)).append("\">").append(Html.num(y.value(py))).append("</text>");
        }
        svg.append("<text class=\"title\" text-anchor=\"middle\" x=\"").append((LEFT + W - RIGHT) / 2)
                .append("\" y=\"").append(H - 8).append("\">").append(Html.esc(xTitle)).append("</text>");
        svg.append("<text class=\"title\" text-anchor=\"middle\" transform=\"translate(16,")
                .append((TOP + H - BOTTOM) / 2).append(") rotate(-90)\">").append(Html.esc(yTitle)).append("</text>");
    }

    /** Five even ticks, or whole numbers at a step that gives at most about eight. */
    private double[] xTicks(boolean integers) {
        double lo = x.value(LEFT);
        double hi = x.value(W - RIGHT);
        if (!integers) {
            double[] t = new double[5];
            for (int i = 0; i <= 4; i++) {
                t[i] = x.value(LEFT + i * (W - LEFT - RIGHT) / 4.0);
            }
            return t;
        }
        long first = (long) Math.ceil(lo);
        long last = (long) Math.floor(hi);
        long step = Math.max(1, (long) Math.ceil((last - first + 1) / 8.0));
        return java.util.stream.LongStream.iterate(first, v -> v <= last, v -> v + step).asDoubleStream().toArray();
    }

    static Scale xScale(double min, double max, boolean log) {
        return Scale.of(min, max, LEFT, W - RIGHT, log);
    }

    static Scale yScale(double min, double max, boolean log) {
        return Scale.of(min, max, H - BOTTOM, TOP, log);
    }

    Plot add(String element) {
        svg.append(element);
        return this;
    }

    String end() {
        return svg.append("</svg>").toString();
    }
}
