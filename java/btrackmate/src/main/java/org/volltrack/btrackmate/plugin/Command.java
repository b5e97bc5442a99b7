package org.volltrack.btrackmate.plugin;

import ij.plugin.PlugIn;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/**
 * A BTrackmate plugin command: a dialog of {@link Field}s whose values become one {@link
 * BTrackmateSettings}, run by {@link Tracking#run} into the file named by the output field. A
 * command only says what it asks for ({@link #fields()}) and how the answers become settings
 * ({@link #settings(Values)}); {@link CommandRunner} does the dialog, the macro options, progress
 * and errors.
 */
abstract class Command implements PlugIn {

  private final String name;
  private final String message;
  private final List<Field> fields;
  private final String outKey;

  /**
   * @param name the menu entry without the trailing "..." (the dialog title)
   * @param message a line shown above the fields in the dialog
   * @param fields the dialog's fields, in order
   * @param outKey the macro key of the field naming the TrackMate XML to write
   */
  Command(String name, String message, List<Field> fields, String outKey) {
    this.name = name;
    this.message = message;
    this.fields = Collections.unmodifiableList(fields);
    this.outKey = outKey;
  }

  /** ImageJ's entry point: asks for the parameters (or takes the macro's) and runs. */
  @Override
  public final void run(String arg) {
    CommandRunner.run(this);
  }

  /** The menu entry without the trailing "..." (the dialog title). */
  final String name() {
    return name;
  }

  /** A line shown above the fields in the dialog. */
  final String message() {
    return message;
  }

  /** The dialog's fields, in order. */
  final List<Field> fields() {
    return fields;
  }

  /**
   * The Java API settings for the dialog's values.
   *
   * @throws IllegalArgumentException on a bad or missing value
   */
  abstract BTrackmateSettings settings(Values values);

  /**
   * Does the work for the given values.
   *
   * @param values the values of {@link #fields()}
   * @param progress receives progress on the calling thread
   * @return what was written
   * @throws IllegalArgumentException (often a {@link org.volltrack.btrackmate.io.BadInputException})
   *     on a bad value or a bad input file; nothing is written then
   * @throws IOException on a failure to read or write an existing file or folder
   */
  final Outcome execute(Values values, TrackingProgress progress) throws IOException {
    return Tracking.run(settings(values), values.outputFile(outKey), progress);
  }
}
