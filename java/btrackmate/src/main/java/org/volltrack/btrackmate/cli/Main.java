package org.volltrack.btrackmate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.volltrack.btrackmate.BTrackmate;
import org.volltrack.btrackmate.BTrackmateResult;
import org.volltrack.btrackmate.Version;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.TrackMateXmlException;
import org.volltrack.btrackmate.settings.BTrackmateSettings;
import org.volltrack.btrackmate.settings.SettingsJson;
import org.volltrack.btrackmate.tracking.TrackingProgress;

/**
 * The {@code btrackmate} command line ({@code java -jar btrackmate.jar ...}); see {@code --help}.
 *
 * <p>Exit status: 0 on success; 2 on bad input (an invalid or unreadable input file, a bad option)
 * with exactly one line {@code btrackmate: error: <file or option>: <where>: <what>} on stderr,
 * no output file created and an existing one untouched; 1 on an internal error (with its stack
 * trace). Progress goes to stderr unless {@code --quiet}; stdout carries only {@code --help} and
 * {@code --version}.
 */
public final class Main {

  private static final String PREFIX = "btrackmate: ";

  private Main() {}

  /** Runs the command and exits the JVM with its status. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command without exiting the JVM.
   *
   * @return the exit status (0, 1 or 2)
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      CommandLine c = CommandLine.parse(args);
      if (c.help) {
        out.print(Help.text());
        return 0;
      }
      if (c.version) {
        out.println("btrackmate " + Version.get());
        return 0;
      }
      if (c.out == null) {
        throw new BadInputException("--out", "", "missing; give the TrackMate XML file to write, e.g. --out tracks.xml");
      }
      BTrackmateSettings settings = EffectiveSettings.of(c);
      checkWritable("--out", c.out);
      if (c.saveSettings != null) {
        checkWritable("--save-settings", c.saveSettings);
      }
      checkReadable(settings);
      TrackingProgress progress = c.quiet ? TrackingProgress.NONE : new StderrProgress(err);
      int threads = c.threads != null ? c.threads : Runtime.getRuntime().availableProcessors();
      BTrackmateResult result = BTrackmate.run(settings, progress, threads);
      BTrackmate.write(result, c.out);
      if (c.saveSettings != null) {
        SettingsJson.write(settings, c.saveSettings);
      }
      if (!c.quiet) {
        err.println(PREFIX + "wrote " + c.out + ": " + result.spotCount() + " cells ("
            + result.visibleSpotCount() + " after filtering), " + result.linkCount() + " links ("
            + result.prunedLinkCount() + " pruned), " + result.trackCount() + " tracks");
      }
      return 0;
    } catch (BadInputException e) {
      err.println(PREFIX + "error: " + e.getMessage());
      return 2;
    } catch (TrackMateXmlException e) {
      err.println(PREFIX + "error: " + e.getMessage());
      return 2;
    } catch (NoSuchFileException e) {
      err.println(PREFIX + "error: " + e.getFile() + ": file not found");
      return 2;
    } catch (AccessDeniedException e) {
      err.println(PREFIX + "error: " + e.getFile() + ": permission denied");
      return 2;
    } catch (IOException e) {
      err.println(PREFIX + "error: " + oneLine(String.valueOf(e.getMessage())));
      return 1;
    } catch (NoClassDefFoundError e) {
      err.println(PREFIX + "internal error: a class is missing from the class path (" + e.getMessage()
          + "); image input needs ImageJ (ij.jar) beside btrackmate.jar in lib/");
      return 1;
    } catch (RuntimeException | Error e) {
      err.println(PREFIX + "internal error: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  private static void checkReadable(BTrackmateSettings s) {
    readable(s.input());
    readable(s.raw());
    readable(s.mask());
  }

  private static void readable(Path p) {
    if (p == null) {
      return;
    }
    if (!Files.exists(p)) {
      throw new BadInputException(p.toString(), "", "file not found");
    }
    if (!Files.isRegularFile(p)) {
      throw new BadInputException(p.toString(), "", "not a regular file");
    }
    if (!Files.isReadable(p)) {
      throw new BadInputException(p.toString(), "", "cannot be read (permission denied)");
    }
  }

  private static void checkWritable(String flag, Path p) {
    Path dir = p.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new BadInputException(flag, "", "the folder " + dir + " does not exist");
    }
    if (Files.isDirectory(p)) {
      throw new BadInputException(flag, "", p + " is a folder; expected a file name");
    }
    if (!Files.isWritable(dir)) {
      throw new BadInputException(flag, "", "the folder " + dir + " cannot be written (permission denied)");
    }
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  /**
   * Progress on stderr: one line each time the step changes, with the percentage, from tracking on
   * (reading reports at 0 are not shown, so that a bad input file gives its error line alone).
   */
  private static final class StderrProgress implements TrackingProgress {
    private final PrintStream err;
    private String last;

    StderrProgress(PrintStream err) {
      this.err = err;
    }

    @Override
    public void progress(double fraction, String message) {
      if (fraction > 0 && !message.equals(last)) {
        last = message;
        err.println(PREFIX + String.format(Locale.ROOT, "%3.0f%% ", 100 * fraction) + message);
      }
    }
  }
}
