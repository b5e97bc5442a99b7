package org.volltrack.btrackmate.plugin;

import ij.Macro;
import java.util.Objects;

/**
 * One parameter of a command's dialog, immutable: its kind, its dialog label, its default and a
 * one-line description for the documentation.
 *
 * <p>The macro key is what ImageJ derives from the label ({@link Macro#trimKey}): the label up
 * to the first space or colon, lower-cased. Labels here are written with underscores between the
 * words of the key (e.g. {@code Linking_max_distance}); the dialog shows the underscores as
 * spaces, and the key stays {@code linking_max_distance}.
 *
 * <p>Numbers are read through text fields and parsed by the commands (see {@link Values}), so that
 * an empty field can mean "not set" and a bad number gives BTrackmate's one-line error in every
 * mode (ImageJ's numeric fields show their own dialog in a macro, and Fiji's headless dialog
 * throws).
 */
public final class Field {

  /** What the dialog shows for a field. */
  public enum Kind {
    /** A file path: a text field with a Browse button when the dialog is shown. */
    FILE,
    /** A number (or empty), read as text. */
    NUMBER,
    /** An on/off checkbox: in a macro, present = on and absent = off (ImageJ's rule). */
    CHECKBOX
  }

  private final Kind kind;
  private final String label;
  private final String defaultText;
  private final boolean defaultState;
  private final String description;
  private final String heading;
  private final boolean sameRow;

  private Field(Kind kind, String label, String defaultText, boolean defaultState, String description) {
    this(kind, label, defaultText, defaultState, description, null, false);
  }

  private Field(
      Kind kind, String label, String defaultText, boolean defaultState, String description,
      String heading, boolean sameRow) {
    this.kind = Objects.requireNonNull(kind, "kind");
    if (label == null || label.isEmpty() || label.startsWith(" ") || label.startsWith(":")) {
      throw new IllegalArgumentException("a field needs a label that starts with its key, got '" + label + "'");
    }
    this.label = label;
    this.defaultText = Objects.requireNonNull(defaultText, "defaultText");
    this.defaultState = defaultState;
    this.description = Objects.requireNonNull(description, "description");
    this.heading = heading;
    this.sameRow = sameRow;
  }

  /** A file path field, empty by default. */
  public static Field file(String label, String description) {
    return new Field(Kind.FILE, label, "", false, description);
  }

  /** A number field with a default ({@code ""}: not set). */
  public static Field number(String label, String defaultText, String description) {
    return new Field(Kind.NUMBER, label, defaultText, false, description);
  }

  /** A checkbox with its state when the dialog opens. */
  public static Field checkbox(String label, boolean defaultState, String description) {
    return new Field(Kind.CHECKBOX, label, "", defaultState, description);
  }

  /** This field with a section heading shown above it in the dialog (layout only). */
  public Field under(String sectionHeading) {
    return new Field(kind, label, defaultText, defaultState, description, sectionHeading, sameRow);
  }

  /** This field shown on the same dialog row as the previous one (layout only). */
  public Field onSameRow() {
    return new Field(kind, label, defaultText, defaultState, description, heading, true);
  }

  /** The section heading shown above this field, or {@code null}. */
  public String heading() {
    return heading;
  }

  /** Whether the dialog shows this field on the previous field's row. */
  public boolean isOnSameRow() {
    return sameRow;
  }

  /** The kind of field. */
  public Kind kind() {
    return kind;
  }

  /** The dialog label (underscores are shown as spaces). */
  public String label() {
    return label;
  }

  /** The macro key: the label up to the first space or colon, lower-cased. */
  public String key() {
    return Macro.trimKey(label);
  }

  /** The text a file or number field starts with ({@code ""} for a checkbox). */
  public String defaultText() {
    return defaultText;
  }

  /** The state a checkbox starts with ({@code false} for other fields). */
  public boolean defaultState() {
    return defaultState;
  }

  /** What the field means, in one line. */
  public String description() {
    return description;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Field)) {
      return false;
    }
    Field f = (Field) o;
    return kind == f.kind && label.equals(f.label) && defaultText.equals(f.defaultText)
        && defaultState == f.defaultState && description.equals(f.description)
        && Objects.equals(heading, f.heading) && sameRow == f.sameRow;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, label, defaultText, defaultState, description, heading, sameRow);
  }

  @Override
  public String toString() {
    return key() + " (" + kind + ")";
  }
}
