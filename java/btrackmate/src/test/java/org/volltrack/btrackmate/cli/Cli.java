package org.volltrack.btrackmate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;

/** Runs {@link Main#run} in process and keeps its exit status, stdout and stderr. */
final class Cli {

  final int status;
  final String out;
  final String err;

  private Cli(int status, String out, String err) {
    this.status = status;
    this.out = out;
    this.err = err;
  }

  static Cli run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      int status = Main.run(args, new PrintStream(o, true, "UTF-8"), new PrintStream(e, true, "UTF-8"));
      return new Cli(status, o.toString("UTF-8"), e.toString("UTF-8"));
    } catch (UnsupportedEncodingException ex) {
      throw new AssertionError(ex);
    }
  }

  @Override
  public String toString() {
    return "exit " + status + "\nstdout: " + out + "\nstderr: " + err;
  }
}
