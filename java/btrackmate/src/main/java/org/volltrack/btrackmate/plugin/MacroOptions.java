package org.volltrack.btrackmate.plugin;

import ij.Macro;
import ij.macro.Interpreter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a command's fields straight from a macro's options string, with the rules ImageJ's
 * {@code GenericDialog} applies in a macro: a text field takes {@link Macro#getValue} of its label
 * (its default when the key is absent; {@code key=[a b]} for values with spaces; {@code &name} for
 * a macro variable), and a checkbox is on exactly when its key appears as a word outside a
 * {@code [literal]}, whatever its default.
 *
 * <p>Used when no {@code GenericDialog} can be made: a headless JVM with plain ImageJ 1 (no Fiji
 * headless patch), e.g. {@code ij.jar -batch} or a test. Stateless.
 */
final class MacroOptions {

  private MacroOptions() {}

  /** The fields' values from {@code options} (as {@link Macro#getOptions} returns them). */
  static Values read(String options, List<Field> fields) {
    String padded = options.endsWith(" ") ? options : options + " ";
    Map<String, Object> values = new LinkedHashMap<>();
    for (Field f : fields) {
      if (f.kind() == Field.Kind.CHECKBOX) {
        values.put(f.key(), hasWord(padded, f.key()));
      } else {
        values.put(f.key(), variable(f.label(), Macro.getValue(padded, f.label(), f.defaultText())));
      }
    }
    return new Values(values);
  }

  /**
   * GenericDialog's macro variables: a value {@code &name} (or a value the label starts with) is
   * replaced by the running macro's variable {@code name} when there is one; the {@code &} is
   * dropped either way.
   */
  private static String variable(String label, String text) {
    if (text == null || !(text.startsWith("&") || label.toLowerCase(Locale.US).startsWith(text))) {
      return text;
    }
    String name = text.startsWith("&") ? text.substring(1) : text;
    Interpreter interp = Interpreter.getInstance();
    String s = interp == null ? null : interp.getVariableAsString(name);
    return s == null ? name : s;
  }

  /**
   * True when {@code key} followed by a space starts {@code options}, or appears after a space
   * outside a bracketed literal and not right after {@code "= "}.
   */
  static boolean hasWord(String options, String key) {
    String word = key + " ";
    if (options.startsWith(word)) {
      return true;
    }
    String spaced = " " + word;
    boolean inLiteral = false;
    for (int i = 0; i + spaced.length() <= options.length(); i++) {
      char c = options.charAt(i);
      if (inLiteral && c == ']') {
        inLiteral = false;
      } else if (c == '[') {
        inLiteral = true;
      }
      if (c != ' ' || inLiteral || (i > 1 && options.charAt(i - 1) == '=')) {
        continue;
      }
      if (options.startsWith(spaced, i)) {
        return true;
      }
    }
    return false;
  }
}
