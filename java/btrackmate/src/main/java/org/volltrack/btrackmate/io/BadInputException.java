package org.volltrack.btrackmate.io;

/**
 * A user-supplied input (a {@code cells.csv}, an image, a settings file) is not what BTrackmate
 * expects.
 *
 * <p>The message is always one line of the form {@code <source>: <where>: <problem>}, for example
 * {@code cells.csv: row 7, column 'x': expected a finite number, got 'abc'}, so that a command line
 * can print it as it is and exit with status 2.
 *
 * <p>It is unchecked and extends {@link IllegalArgumentException}: a bad input is a bad argument at
 * the boundary of the API (the convention of imglib2 and JGraphT, and the DESIGN's rule 10), every
 * reader already declares {@link java.io.IOException} for real I/O failures, and callers that want to
 * tell the two apart catch this type.
 */
public class BadInputException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final String where;
  private final String problem;

  /**
   * @param source the file (or other source) that holds the bad input, e.g. {@code cells.csv}
   * @param where the place in it: a row and column, an element, a key; may be empty
   * @param problem what was found and what was expected
   */
  public BadInputException(String source, String where, String problem) {
    super(format(source, where, problem));
    this.source = oneLine(source);
    this.where = where == null ? "" : oneLine(where);
    this.problem = oneLine(problem);
  }

  /** Same as {@link #BadInputException(String, String, String)}, keeping the cause. */
  public BadInputException(String source, String where, String problem, Throwable cause) {
    this(source, where, problem);
    initCause(cause);
  }

  private static String format(String source, String where, String problem) {
    StringBuilder sb = new StringBuilder(oneLine(source));
    if (where != null && !where.isEmpty()) {
      sb.append(": ").append(oneLine(where));
    }
    sb.append(": ").append(oneLine(problem));
    return sb.toString();
  }

  /**
   * The text on one line: each run of line breaks (with the spaces around it) becomes one space.
   * Line breaks are every character after which Python's {@code str.splitlines()} or a text viewer
   * starts a new line: CR, LF, VT, FF, the file/group/record separators, NEL, U+2028 and U+2029
   * (messages quote the user's text, which may hold any of them).
   */
  static String oneLine(String s) {
    return s == null ? "" : LINE_BREAKS.matcher(s).replaceAll(" ").trim();
  }

  private static final java.util.regex.Pattern LINE_BREAKS =
      java.util.regex.Pattern.compile(
          "[ \\t]*[\\r\\n\\u000b\\u000c\\u001c-\\u001e\\u0085\\u2028\\u2029]+[ \\t]*");

  /** The file or other source of the bad input. */
  public String source() {
    return source;
  }

  /** Where in the source (row and column, element, key); empty when the whole source is bad. */
  public String where() {
    return where;
  }

  /** What was found and what was expected. */
  public String problem() {
    return problem;
  }
}
