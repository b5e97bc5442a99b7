package org.volltrack.btrackmate.io;

/** Checks and cleans text for XML 1.0, which cannot carry most control characters. */
final class XmlText {

  private XmlText() {}

  static boolean isValid(int cp) {
    return cp == 0x9
        || cp == 0xA
        || cp == 0xD
        || (cp >= 0x20 && cp <= 0xD7FF)
        || (cp >= 0xE000 && cp <= 0xFFFD)
        || (cp >= 0x10000 && cp <= 0x10FFFF);
  }

  /** The text without the characters XML 1.0 cannot carry (lone surrogates included). */
  static String strip(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      boolean ok = isValid(cp) && !(n == 1 && Character.isSurrogate(s.charAt(i)));
      if (!ok && sb == null) {
        sb = new StringBuilder(s.length());
        sb.append(s, 0, i);
      } else if (ok && sb != null) {
        sb.appendCodePoint(cp);
      }
      i += n;
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * Throws when the text holds a character XML 1.0 cannot carry.
   *
   * @throws IllegalArgumentException naming {@code what} and the character
   */
  static void requireValid(String what, String s) {
    if (!strip(s).equals(s)) {
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        int n = Character.charCount(cp);
        if (!isValid(cp) || (n == 1 && Character.isSurrogate(s.charAt(i)))) {
          throw new IllegalArgumentException(
              what + " holds the character U+" + String.format("%04X", cp)
                  + " at index " + i + ", which XML 1.0 cannot carry");
        }
        i += n;
      }
    }
  }

  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

  /**
   * Throws unless the text can be an XML attribute name (ASCII letters, digits, '_', '.', '-', not
   * starting with a digit, '.' or '-').
   *
   * @throws IllegalArgumentException naming {@code what}
   */
  static void requireName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " \"" + name + "\" cannot be an XML attribute name; use letters, digits and '_'"
              + " (TrackMate style: MEAN_INTENSITY_CH1)");
    }
  }
}
