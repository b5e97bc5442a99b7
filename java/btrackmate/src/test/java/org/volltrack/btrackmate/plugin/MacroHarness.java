package org.volltrack.btrackmate.plugin;

import ij.Macro;
import ij.plugin.PlugIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a plugin command as {@code IJ.run(command, options)} does: on a thread whose name starts
 * with {@code Run$_} (the only threads {@link Macro#getOptions()} answers), with the options set
 * for that thread. Without an ImageJ window, {@code IJ.log} prints to stdout, which is captured.
 */
final class MacroHarness {

  private MacroHarness() {}

  /** What one run printed to the ImageJ log, and the non-daemon threads it left running. */
  static final class Result {
    final List<String> log;
    final Set<Thread> newNonDaemonThreads;

    Result(List<String> log, Set<Thread> newNonDaemonThreads) {
      this.log = log;
      this.newNonDaemonThreads = newNonDaemonThreads;
    }
  }

  /** Runs {@code plugin} with these macro options ({@code null}: none). */
  static Result run(PlugIn plugin, String options) throws InterruptedException, UnsupportedEncodingException {
    Set<Thread> before = nonDaemonThreads();
    Throwable[] thrown = new Throwable[1];
    Thread runner =
        new Thread(
            () -> {
              Macro.setOptions(Thread.currentThread(), options);
              try {
                plugin.run("");
              } catch (Throwable e) {
                thrown[0] = e;
              } finally {
                Macro.setOptions(Thread.currentThread(), null);
              }
            },
            "Run$_test");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(buffer, true, "UTF-8"));
    try {
      runner.start();
      runner.join();
    } finally {
      System.setOut(original);
    }
    if (thrown[0] != null) {
      throw new AssertionError("the command threw", thrown[0]);
    }
    String text = new String(buffer.toByteArray(), StandardCharsets.UTF_8);
    List<String> log = new ArrayList<>();
    for (String line : text.split("\\R")) {
      if (!line.isEmpty()) {
        log.add(line);
      }
    }
    Set<Thread> after = nonDaemonThreads();
    after.removeAll(before);
    after.remove(runner);
    return new Result(log, after);
  }

  private static Set<Thread> nonDaemonThreads() {
    Set<Thread> out = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !t.isDaemon()) {
        out.add(t);
      }
    }
    return out;
  }

  /** {@code key=value} pairs joined for a macro; values with spaces go in brackets. */
  static String options(String... keyValues) {
    List<String> parts = new ArrayList<>();
    for (String kv : Arrays.asList(keyValues)) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(eq + 1).contains(" ")) {
        parts.add(kv.substring(0, eq + 1) + "[" + kv.substring(eq + 1) + "]");
      } else {
        parts.add(kv);
      }
    }
    return String.join(" ", parts);
  }
}
