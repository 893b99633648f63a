package org.smarttuner.tts.text;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spells numbers out the way Tacotron2's {@code numbers.py} does (with inflect, andword ''):
 * commas in numbers removed, pounds and dollars with their units, decimals with "point",
 * ordinals, and years 1001-2999 read in pairs ("nineteen eighty-four").
 */
final class Numbers {
    private static final Pattern COMMA_NUMBER = Pattern.compile("([0-9][0-9,]+[0-9])");
    private static final Pattern DECIMAL = Pattern.compile("([0-9]+\\.[0-9]+)");
    private static final Pattern POUNDS = Pattern.compile("£([0-9,]*[0-9]+)");
    private static final Pattern DOLLARS = Pattern.compile("\\$([0-9.,]*[0-9]+)");
    private static final Pattern ORDINAL = Pattern.compile("[0-9]+(st|nd|rd|th)");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
        "ninety"};
    private static final String[] GROUPS = {"", " thousand", " million", " billion", " trillion", " quadrillion",
        " quintillion"};
    /** Past this many digits a number is read digit by digit (it does not fit a long, and nobody says it). */
    private static final int MAX_DIGITS = 18;

    private Numbers() {
    }

    static String expand(String s) {
        s = replace(COMMA_NUMBER, s, m -> m.group(1).replace(",", ""));
        s = replace(POUNDS, s, m -> m.group(1) + " pounds");
        s = replace(DOLLARS, s, Numbers::dollars);
        s = replace(DECIMAL, s, m -> m.group(1).replace(".", " point "));
        s = replace(ORDINAL, s, m -> ordinal(m.group()));
        return replace(NUMBER, s, m -> number(m.group()));
    }

    private static String replace(Pattern p, String s, Function<Matcher, String> f) {
        Matcher m = p.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String dollars(Matcher m) {
        String match = m.group(1);
        String[] parts = match.split("\\.", -1);
        if (parts.length > 2) {
            return match + " dollars";
        }
        long dollars = parts[0].isEmpty() ? 0 : parseOrZero(parts[0].replace(",", ""));
        long cents = parts.length > 1 && !parts[1].isEmpty() ? parseOrZero(parts[1]) : 0;
        String d = dollars + (dollars == 1 ? " dollar" : " dollars");
        String c = cents + (cents == 1 ? " cent" : " cents");
        if (dollars > 0 && cents > 0) {
            return d + ", " + c;
        } else if (dollars > 0) {
            return d;
        } else if (cents > 0) {
            return c;
        }
        return "zero dollars";
    }

    private static long parseOrZero(String digits) {
        return digits.length() > MAX_DIGITS ? 0 : Long.parseLong(digits);
    }

    private static String number(String digits) {
        if (digits.length() > MAX_DIGITS) {
            StringBuilder sb = new StringBuilder();
            for (char c : digits.toCharArray()) {
                sb.append(sb.length() == 0 ? "" : " ").append(ONES[c - '0']);
            }
            return sb.toString();
        }
        long n = Long.parseLong(digits);
        if (n > 1000 && n < 3000) {
            if (n == 2000) {
                return "two thousand";
            } else if (n > 2000 && n < 2010) {
                return "two thousand " + words(n % 100);
            } else if (n % 100 == 0) {
                return words(n / 100) + " hundred";
            }
            long low = n % 100;
            return words(n / 100) + " " + (low < 10 ? "oh " + ONES[(int) low] : words(low));
        }
        return words(n);
    }

    private static String ordinal(String s) {
        String digits = s.substring(0, s.length() - 2);
        if (digits.length() > MAX_DIGITS) {
            return s;
        }
        String w = words(Long.parseLong(digits));
        int cut = Math.max(w.lastIndexOf(' '), w.lastIndexOf('-')) + 1;
        return w.substring(0, cut) + ordinalWord(w.substring(cut));
    }

    private static String ordinalWord(String w) {
        return switch (w) {
            case "one" -> "first";
            case "two" -> "second";
            case "three" -> "third";
            case "five" -> "fifth";
            case "eight" -> "eighth";
            case "nine" -> "ninth";
            case "twelve" -> "twelfth";
            default -> w.endsWith("y") ? w.substring(0, w.length() - 1) + "ieth" : w + "th";
        };
    }

    /** Cardinal words, inflect style: "one million, two hundred thirty-four thousand, five hundred sixty-seven". */
    static String words(long n) {
        if (n < 1000) {
            return below1000(n);
        }
        StringBuilder sb = new StringBuilder();
        int group = 0;
        while (n > 0) {
            int part = (int) (n % 1000);
            if (part > 0) {
                String w = below1000(part) + GROUPS[group];
                sb.insert(0, sb.length() == 0 ? w : w + ", ");
            }
            n /= 1000;
            group++;
        }
        return sb.toString();
    }

    private static String below1000(long n) {
        int h = (int) (n / 100);
        int rest = (int) (n % 100);
        String tail = rest == 0 ? "" : rest < 20 ? ONES[rest]
                : TENS[rest / 10] + (rest % 10 == 0 ? "" : "-" + ONES[rest % 10]);
        if (h == 0) {
            return rest == 0 ? "zero" : tail;
        }
        return ONES[h] + " hundred" + (tail.isEmpty() ? "" : " " + tail);
    }
}
