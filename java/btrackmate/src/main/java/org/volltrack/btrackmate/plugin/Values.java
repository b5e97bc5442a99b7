package org.volltrack.btrackmate.plugin;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.volltrack.btrackmate.io.BadInputException;

/**
 * The values a dialog (or a macro's options) gave for a command's fields, by macro key, with typed
 * readers. Immutable. Every reader throws a {@link BadInputException} whose one-line message names
 * the key and what was expected, e.g. {@code linking_max_distance: expected a number, got 'abc'}.
 */
public final class Values {

  private final Map<String, Object> values;

  /** @param values macro key → text (file and number fields) or Boolean (checkboxes) */
  public Values(Map<String, ?> values) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      Object v = e.getValue();
      if (!(v instanceof String) && !(v instanceof Boolean)) {
        throw new IllegalArgumentException("value of " + e.getKey() + " must be a String or a Boolean, got " + v);
      }
      copy.put(e.getKey(), v);
    }
    this.values = Collections.unmodifiableMap(copy);
  }

  /** Every value by macro key, in field order, unmodifiable. */
  public Map<String, Object> asMap() {
    return values;
  }

  /** A bad-input error at {@code key}: {@code <key>: <problem>}. */
  public static BadInputException bad(String key, String problem) {
    return new BadInputException(key, "", problem);
  }

  /** The trimmed text of a file or number field ({@code ""} when empty). */
  public String text(String key) {
    Object v = known(key);
    if (!(v instanceof String)) {
      throw new IllegalStateException(key + " is not a text field");
    }
    return ((String) v).trim();
  }

  /** The state of a checkbox. */
  public boolean isChecked(String key) {
    Object v = known(key);
    if (!(v instanceof Boolean)) {
      throw new IllegalStateException(key + " is not a checkbox");
    }
    return (Boolean) v;
  }

  /** A path that must be given (not necessarily existing). */
  public Path requiredPath(String key, String what) {
    Path p = optionalPath(key);
    if (p == null) {
      throw bad(key, "missing; expected " + what + ", e.g. " + key + "=/path/to/file");
    }
    return p;
  }

  /** An existing regular file that must be given. */
  public Path requiredFile(String key, String what) {
    Path p = requiredPath(key, what);
    return existing(key, p);
  }

  /** An existing regular file, or {@code null} when the field is empty. */
  public Path optionalFile(String key) {
    Path p = optionalPath(key);
    return p == null ? null : existing(key, p);
  }

  private Path existing(String key, Path p) {
    if (!p.toFile().isFile()) {
      throw bad(key, "file not found: " + p);
    }
    return p;
  }

  /** The output file: given, not a folder, in an existing folder. */
  public Path outputFile(String key) {
    Path p = requiredPath(key, "the output TrackMate XML file");
    if (p.toFile().isDirectory()) {
      throw bad(key, "is a folder; expected a file name such as tracks.xml: " + p);
    }
    Path dir = p.getParent();
    if (dir == null || !dir.toFile().isDirectory()) {
      throw bad(key, "folder not found: " + dir);
    }
    return p;
  }

  private Path optionalPath(String key) {
    String s = text(key);
    if (s.isEmpty()) {
      return null;
    }
    try {
      return Paths.get(s).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw bad(key, "not a valid path: '" + s + "'");
    }
  }

  /** A finite number, or {@code null} when the field is empty. */
  public Double optionalNumber(String key) {
    String s = text(key);
    if (s.isEmpty()) {
      return null;
    }
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw bad(key, "expected a number, got '" + s + "'");
    }
    if (!Double.isFinite(v)) {
      throw bad(key, "expected a finite number, got '" + s + "'");
    }
    return v;
  }

  /** A finite number that must be given. */
  public double number(String key) {
    Double v = optionalNumber(key);
    if (v == null) {
      throw bad(key, "missing; expected a number");
    }
    return v;
  }

  /** A number &gt; 0, or {@code null} when the field is empty. */
  public Double optionalPositive(String key) {
    Double v = optionalNumber(key);
    if (v != null && !(v > 0)) {
      throw bad(key, "expected a number > 0, got " + text(key));
    }
    return v;
  }

  /** A number &ge; 0 that must be given. */
  public double nonNegative(String key) {
    double v = number(key);
    if (v < 0) {
      throw bad(key, "expected a number >= 0, got " + text(key));
    }
    return v;
  }

  /** A whole number &ge; {@code min} that must be given (e.g. {@code 3} or {@code 3.0}). */
  public int integer(String key, int min) {
    double v = number(key);
    if (v != Math.rint(v) || v < min || v > Integer.MAX_VALUE) {
      throw bad(key, "expected a whole number >= " + min + ", got " + text(key));
    }
    return (int) v;
  }

  private Object known(String key) {
    Object v = values.get(key);
    if (v == null) {
      throw new IllegalStateException("no field with key " + key);
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Values && values.equals(((Values) o).values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Values" + values;
  }
}
