package org.volltrack.btrackmate.io;

import java.util.regex.Pattern;

/** Strict parsing of numbers written in text tables: decimal notation, NaN and infinities only. */
final class Numbers {

  private Numbers() {}

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  /**
   * The value of a decimal number, {@code NaN}/{@code nan}, or an infinity ({@code inf},
   * {@code Infinity}, with an optional sign, any case); {@code null} for anything else (including
   * Java's {@code 1f}, {@code 0x1p3}, and the empty string).
   */
  static Double parse(String s) {
    String t = s.trim();
    if (DECIMAL.matcher(t).matches()) {
      return Double.parseDouble(t);
    }
    String lower = t.toLowerCase(java.util.Locale.ROOT);
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    boolean negative = lower.startsWith("-");
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return null;
  }

  /**
   * Like {@link #parse}, and also {@code true}/{@code false} in any case as 1 and 0 (pandas writes
   * boolean columns such as an inside-tissue flag that way).
   */
  static Double parseFeature(String s) {
    String t = s.trim();
    if (t.equalsIgnoreCase("true")) {
      return 1.0;
    }
    if (t.equalsIgnoreCase("false")) {
      return 0.0;
    }
    return parse(t);
  }

  /** The value of an integer literal (optional sign, digits only) in the long range, else null. */
  static Long parseLong(String s) {
    String t = s.trim();
    if (!INTEGER.matcher(t).matches()) {
      return null;
    }
    try {
      return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
