package org.volltrack.btrackmate.plugin;

import ij.Macro;
import ij.plugin.PlugIn;

/**
 * Lets a test macro run a command with options without ImageJ's menus (which need a screen):
 * {@code call("org.volltrack.btrackmate.plugin.MacroEntry.run", className, options)} does on the
 * macro's thread what {@code run(command, options)} does.
 */
public final class MacroEntry {

  private MacroEntry() {}

  /** Runs the PlugIn {@code className} with {@code options} as this thread's macro options. */
  public static String run(String className, String options) throws ReflectiveOperationException {
    Macro.setOptions(Thread.currentThread(), options);
    try {
      ((PlugIn) Class.forName(className).getConstructor().newInstance()).run("");
    } finally {
      Macro.setOptions(Thread.currentThread(), null);
    }
    return "";
  }
}
