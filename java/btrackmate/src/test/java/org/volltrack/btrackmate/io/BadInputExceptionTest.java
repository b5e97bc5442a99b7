package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class BadInputExceptionTest {

  @Test
  void messageIsOneLineWithSourceWhereAndProblem() {
    BadInputException e = new BadInputException("cells.csv", "row 3, column 'x'", "expected a number,\n got 'a'");
    assertEquals("cells.csv: row 3, column 'x': expected a number, got 'a'", e.getMessage());
    assertEquals("cells.csv", e.source());
    assertEquals("row 3, column 'x'", e.where());
    assertEquals("expected a number, got 'a'", e.problem());
  }

  @Test
  void everyKindOfLineBreakInQuotedUserTextIsFlattened() {
    // Found by CellsCsvReaderFuzzTest: a cell holding U+0085 or U+2028 came back in the message,
    // which Python's str.splitlines() (and some viewers) split into two lines.
    String text = "a\u0085b\u2028c\u2029d\u000be\u000cf\u001cg\r\nh";
    BadInputException e = new BadInputException("c.csv", "row 2, column 'y'", "got '" + text + "'");
    assertEquals("c.csv: row 2, column 'y': got 'a b c d e f g h'", e.getMessage());
    TrackMateXmlException x = new TrackMateXmlException("t\u2028.xml", "Spot", 3, "got '" + text + "'", null);
    assertEquals("t .xml:3: <Spot>: got 'a b c d e f g h'", x.getMessage());
  }

  @Test
  void emptyWhereIsLeftOut() {
    assertEquals("a.tif: file not found", new BadInputException("a.tif", "", "file not found").getMessage());
    assertEquals("a.tif: file not found", new BadInputException("a.tif", null, "file not found").getMessage());
  }

  @Test
  void keepsTheCauseAndIsAnIllegalArgumentException() {
    RuntimeException cause = new RuntimeException("x");
    IllegalArgumentException e = new BadInputException("s", "w", "p", cause);
    assertSame(cause, e.getCause());
  }
}
