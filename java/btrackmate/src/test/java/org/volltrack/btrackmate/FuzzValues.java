package org.volltrack.btrackmate;

import java.util.Random;

/** Random values for the property-based tests: extreme doubles, unicode text, adversarial tokens. */
public final class FuzzValues {

  private FuzzValues() {}

  private static final double[] SPECIAL = {
    0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
    -Double.MAX_VALUE, 1e-300, -1e300, 1.0, -1.0, 0.1, 1e15, 9007199254740993.0, 123456.789
  };

  /** A finite double: special values, any bit pattern, or an ordinary number. */
  public static double finite(Random r) {
    switch (r.nextInt(4)) {
      case 0:
        return SPECIAL[r.nextInt(SPECIAL.length)];
      case 1:
        while (true) {
          double d = Double.longBitsToDouble(r.nextLong());
          if (Double.isFinite(d)) {
            return d;
          }
        }
      case 2:
        return (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(13) - 6);
      default:
        return r.nextInt(2001) - 1000;
    }
  }

  /** Any double, NaN and the infinities included. */
  public static double any(Random r) {
    switch (r.nextInt(8)) {
      case 0:
        return Double.NaN;
      case 1:
        return r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      default:
        return finite(r);
    }
  }

  /** A finite double &gt; 0. */
  public static double positive(Random r) {
    while (true) {
      double d = Math.abs(finite(r));
      if (d > 0) {
        return d;
      }
    }
  }

  private static final String PUNCTUATION = "\t\n\r\"',<>&;=\u0085\u2028 ";

  private static final int[][] BLOCKS = {
    {0x20, 0x7e}, {0xa0, 0x24f}, {0x370, 0x3ff}, {0x400, 0x4ff}, {0x4e00, 0x4fff}, {0x1f600, 0x1f64f},
    {0xe000, 0xe0ff}, {0xfff0, 0xfffd}, {0x10000, 0x100ff}
  };

  /**
   * A string of {@code 1..maxLength} code points from several scripts (emoji and other
   * supplementary characters included), with tabs, line breaks, quotes, commas, angle brackets
   * and ampersands now and then; every character is one XML 1.0 can carry.
   */
  public static String unicode(Random r, int maxLength) {
    int n = 1 + r.nextInt(maxLength);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (r.nextInt(6) == 0) {
        sb.append(PUNCTUATION.charAt(r.nextInt(PUNCTUATION.length())));
        continue;
      }
      int[] b = BLOCKS[r.nextInt(BLOCKS.length)];
      sb.appendCodePoint(b[0] + r.nextInt(b[1] - b[0] + 1));
    }
    return sb.toString();
  }

  /** One of the values. */
  @SafeVarargs
  public static <T> T oneOf(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }
}
