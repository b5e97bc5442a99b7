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
