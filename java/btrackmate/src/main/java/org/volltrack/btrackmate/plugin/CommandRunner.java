package org.volltrack.btrackmate.plugin;

import ij.IJ;
import ij.Macro;
import ij.macro.Interpreter;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/**
 * Runs a {@link Command} the way every BTrackmate plugin command runs: ask for the parameters
 * ({@link ParameterDialog}), do the work on the calling thread with progress in ImageJ's status
 * and progress bars, and report.
 *
 * <p><b>Interactive</b> (a screen and no macro options): success is logged and shown in a message
 * naming the XML file and how to open it in TrackMate; a bad parameter or input file is shown with
 * {@code IJ.error}, one line, no stack trace.
 *
 * <p><b>Macro or headless</b> ({@link Macro#getOptions()} set, or no screen): success is one line
 * in the Log window (stdout when ImageJ has no window); an error is one line
 * {@code <command>: <message>} in the Log, and the calling macro stops there, quietly: the running
 * macro {@link Interpreter} is told to ignore errors and aborted with that line (ImageJ then ends
 * the macro before its next statement, with no dialog, headless too). With no macro running (a
 * Java caller of {@code IJ.run}), {@link Macro#abort()} raises ImageJ's abort flag instead, which
 * {@code IJ.run} may turn into its "Macro canceled" exception. (A plain {@code Macro.abort()} does
 * not stop a macro in ImageJ 1.54p: {@code IJ.run} swallows it when called from a macro.) No
 * dialog is opened, so batch runs never block.
 *
 * <p>Either way nothing is written when the parameters or inputs are bad (the XML is written last,
 * atomically). I/O failures are reported the same way; any other exception is a bug and is left
 * to ImageJ's exception handler.
 */
final class CommandRunner {

  /** How TrackMate opens the files the commands write (shown after an interactive run). */
  static final String HOW_TO_OPEN =
      "Open it with Plugins > Tracking > TrackMate > Load a TrackMate file\n"
          + "(TrackScheme shows the lineages; the tracker settings are in the file).";

  private CommandRunner() {}

  /** Runs {@code command} on the calling thread. */
  static void run(Command command) {
    boolean interactive = Macro.getOptions() == null && !GraphicsEnvironment.isHeadless();
    String name = command.name();
    try {
      Values values = ParameterDialog.read(name, command.message(), command.fields());
      if (values == null) {
        return; // cancelled
      }
      TrackingProgress progress =
          (fraction, message) -> {
            IJ.showStatus(name + ": " + message);
            IJ.showProgress(fraction);
          };
      Outcome outcome = command.execute(values, progress);
      String line = name + ": wrote " + outcome.xml() + " (" + outcome.summary() + ")";
      IJ.log(line);
      IJ.showStatus(name + ": done");
      if (interactive) {
        IJ.showMessage(name, "Wrote " + outcome.xml() + "\n" + outcome.summary() + ".\n \n" + HOW_TO_OPEN);
      }
    } catch (IllegalArgumentException e) {
      fail(name, e.getMessage(), interactive);
    } catch (IOException e) {
      fail(name, "I/O error: " + e, interactive);
    } finally {
      IJ.showProgress(1.0);
    }
  }

  private static void fail(String name, String message, boolean interactive) {
    String oneLine = String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    IJ.showStatus("");
    if (interactive) {
      IJ.error(name, oneLine);
    } else {
      IJ.log(name + ": " + oneLine);
      Interpreter macro = Interpreter.getInstance();
      if (macro != null && !macro.done()) {
        macro.setIgnoreErrors(true);
        macro.abort(name + ": " + oneLine);
      } else {
        Macro.abort();
      }
    }
  }
}
