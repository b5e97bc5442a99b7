package org.volltrack.btrackmate.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.macro.Interpreter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inside a running macro, an error stops the macro after the one log line; success lets it go on. */
class MacroStopTest {

  @TempDir Path tmp;

  private List<String> runMacro(String options) throws Exception {
    String code =
        "call('" + MacroEntry.class.getName() + ".run', '" + TrackCellsFromCsv.class.getName() + "', '"
            + options + "');\nprint('CONTINUED');\n";
    Throwable[] thrown = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              try {
                new Interpreter().run(code);
              } catch (Throwable e) {
                thrown[0] = e;
              }
            },
            "Run$_Macro$");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(buffer, true, "UTF-8"));
    try {
      t.start();
      t.join();
    } finally {
      System.setOut(original);
    }
    if (thrown[0] != null) {
      throw new AssertionError("the macro threw", thrown[0]);
    }
    List<String> lines = new ArrayList<>();
    for (String line : new String(buffer.toByteArray(), StandardCharsets.UTF_8).split("\\R")) {
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void anErrorStopsTheMacroQuietly() throws Exception {
    Path csv = TrackCellsFromCsvTest.cells(tmp);
    Path out = tmp.resolve("tracks.xml");
    List<String> log = runMacro("cells=" + csv + " out=" + out + " max_frame_gap=0");
    assertEquals(1, log.size(), log.toString());
    assertEquals("Track cells from CSV: max_frame_gap: expected a whole number >= 1, got 0", log.get(0));
    assertFalse(Files.exists(out));
  }

  @Test
  void successLetsTheMacroGoOn() throws Exception {
    Path csv = TrackCellsFromCsvTest.cells(tmp);
    Path out = tmp.resolve("tracks.xml");
    List<String> log = runMacro("cells=" + csv + " out=" + out);
    assertEquals(2, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("Track cells from CSV: wrote " + out), log.get(0));
    assertEquals("CONTINUED", log.get(1));
    assertTrue(Files.exists(out));
  }
}
