package org.smarttuner.tts.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Tacotron2's English abbreviation list (text already lowercase). */
final class Abbreviations {
    private record Rule(Pattern pattern, String replacement) {
    }

    private static final List<Rule> RULES = List.of(
            rule("mrs", "misess"), rule("mr", "mister"), rule("dr", "doctor"), rule("st", "saint"),
            rule("co", "company"), rule("jr", "junior"), rule("maj", "major"), rule("gen", "general"),
            rule("drs", "doctors"), rule("rev", "reverend"), rule("lt", "lieutenant"), rule("hon", "honorable"),
            rule("sgt", "sergeant"), rule("capt", "captain"), rule("esq", "esquire"), rule("ltd", "limited"),
            rule("col", "colonel"), rule("ft", "fort"));

    private Abbreviations() {
    }

    private static Rule rule(String abbreviation, String word) {
        return new Rule(Pattern.compile("\\b" + abbreviation + "\\."), Matcher.quoteReplacement(word));
    }

    static String expand(String s) {
        for (Rule r : RULES) {
            s = r.pattern.matcher(s).replaceAll(r.replacement);
        }
        return s;
    }
}
