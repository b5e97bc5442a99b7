package org.volltrack.btrackmate.io;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming XML writer that indents with 2 spaces as TrackMate's own files are, and knows
 * when an element had children (so its end tag goes on its own line).
 *
 * <p>Escaping: {@code & < >} everywhere, {@code "} in attribute values, and tab, line feed and
 * carriage return in attribute values as character references ({@code &#9; &#10; &#13;}), so a
 * spot name or unit holding them reads back unchanged (an XML reader turns literal ones into
 * spaces; the JDK's StAX writer wrote them literally). Characters XML 1.0 cannot carry are refused
 * in attribute values ({@link IllegalArgumentException}); text is written as given.
 */
final class IndentingXmlOut {
  private final Writer w;
  private final Deque<String> names = new ArrayDeque<>();
  private final Deque<boolean[]> open = new ArrayDeque<>();
  /** A start tag has been written without its closing {@code >} (attributes may follow). */
  private boolean tagOpen;
  /** The open tag is an empty element: it closes with {@code />}. */
  private boolean tagEmpty;

  IndentingXmlOut(Writer w) {
    this.w = w;
  }

  /** The XML declaration (UTF-8). */
  void declaration() throws IOException {
    w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
  }

  private void closeTag() throws IOException {
    if (tagOpen) {
      w.write(tagEmpty ? "/>" : ">");
      tagOpen = false;
    }
  }

  private void newline() throws IOException {
    closeTag();
    if (!open.isEmpty()) {
      open.peek()[0] = true;
    }
    indent();
  }

  private void indent() throws IOException {
    w.write('\n');
    for (int i = 0; i < open.size(); i++) {
      w.write("  ");
    }
  }

  /** Starts an element that will have children or text. */
  void start(String name) throws IOException {
    newline();
    w.write('<');
    w.write(name);
    tagOpen = true;
    tagEmpty = false;
    names.push(name);
    open.push(new boolean[] {false});
  }

  /** Writes an empty element; attributes may follow with {@link #attr}. */
  void empty(String name) throws IOException {
    newline();
    w.write('<');
    w.write(name);
    tagOpen = true;
    tagEmpty = true;
  }

  /** An attribute of the element just started. */
  void attr(String name, String value) throws IOException {
    if (!tagOpen) {
      throw new IllegalStateException("attribute " + name + " outside a start tag");
    }
    XmlText.requireValid("attribute " + name, value);
    w.write(' ');
    w.write(name);
    w.write("=\"");
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&':
          w.write("&amp;");
          break;
        case '<':
          w.write("&lt;");
          break;
        case '>':
          w.write("&gt;");
          break;
        case '"':
          w.write("&quot;");
          break;
        case '\t':
          w.write("&#9;");
          break;
        case '\n':
          w.write("&#10;");
          break;
        case '\r':
          w.write("&#13;");
          break;
        default:
          w.write(c);
      }
    }
    w.write('"');
  }

  /**
   * Text inside the current element, escaped, with no indentation added. Line ends are written as
   * {@code \n}: an XML reader turns {@code \r\n} and {@code \r} into {@code \n} anyway.
   */
  void text(String text) throws IOException {
    closeTag();
    String t = text.replace("\r\n", "\n").replace('\r', '\n');
    for (int i = 0, n = t.length(); i < n; i++) {
      char c = t.charAt(i);
      switch (c) {
        case '&':
          w.write("&amp;");
          break;
        case '<':
          w.write("&lt;");
          break;
        case '>':
          w.write("&gt;");
          break;
        default:
          w.write(c);
      }
    }
  }

  /** Ends the current element; its end tag goes on a new line when it had child elements. */
  void end() throws IOException {
    closeTag();
    boolean[] hadChildren = open.pop();
    String name = names.pop();
    if (hadChildren[0]) {
      indent();
    }
    w.write("</");
    w.write(name);
    w.write('>');
  }

  /** Closes any open tag, ends the document with a line break and flushes. */
  void finish() throws IOException {
    closeTag();
    if (!names.isEmpty()) {
      throw new IllegalStateException("unclosed element " + names.peek());
    }
    w.write('\n');
    w.flush();
  }
}
