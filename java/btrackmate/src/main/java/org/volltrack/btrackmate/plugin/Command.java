package org.volltrack.btrackmate.plugin;

import java.io.IOException;
import java.util.List;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/** What {@link CommandRunner} needs from a BTrackmate plugin command. */
interface Command {

  /** The menu entry without the trailing "..." (the dialog title). */
  String name();

  /** A line shown above the fields in the dialog. */
  String message();

  /** The dialog's fields, in order. */
  List<Field> fields();

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
  Outcome execute(Values values, TrackingProgress progress) throws IOException;
}
