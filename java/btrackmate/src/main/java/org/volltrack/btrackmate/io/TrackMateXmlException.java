package org.volltrack.btrackmate.io;

import java.io.IOException;

/**
 * A TrackMate XML file that cannot be read: malformed XML, a forbidden DOCTYPE, a wrong root, a
 * missing required element or attribute, or a value of the wrong type. The message is one line:
 * the file, the element, the line number when known, and what was expected.
 */
public final class TrackMateXmlException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String element;
  private final int line;
  private final String problem;

  /**
   * An error.
   *
   * @param file the file (or stream name) being read
   * @param element the element where the problem is, or {@code null}
   * @param line the 1-based line number, or -1 when unknown
   * @param problem what is wrong and what was expected
   * @param cause the underlying exception, or {@code null}
   */
  public TrackMateXmlException(
      String file, String element, int line, String problem, Throwable cause) {
    super(format(file, element, line, problem), cause);
    this.file = file;
    this.element = element;
    this.line = line;
    this.problem = problem == null ? "" : BadInputException.oneLine(problem);
  }

  private static String format(String file, String element, int line, String problem) {
    StringBuilder sb = new StringBuilder();
    sb.append(BadInputException.oneLine(file));
    if (line > 0) {
      sb.append(':').append(line);
    }
    if (element != null) {
      sb.append(": <").append(element).append('>');
    }
    sb.append(": ").append(BadInputException.oneLine(problem));
    return sb.toString();
  }

  /** The file or stream name. */
  public String file() {
    return file;
  }

  /** The element, or {@code null} when the problem is not inside one. */
  public String element() {
    return element;
  }

  /** What is wrong and what was expected (one line). */
  public String problem() {
    return problem;
  }

  /** Where in the file, for a one-line message: {@code line N, <element>}; "" when unknown. */
  public String where() {
    StringBuilder sb = new StringBuilder();
    if (line > 0) {
      sb.append("line ").append(line);
    }
    if (element != null) {
      sb.append(sb.length() > 0 ? ", " : "").append('<').append(element).append('>');
    }
    return sb.toString();
  }

  /** The 1-based line number, or -1 when unknown. */
  public int line() {
    return line;
  }
}
