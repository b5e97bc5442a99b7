package org.volltrack.btrackmate.io;

import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A thin layer over {@link XMLStreamWriter} that indents with 2 spaces as TrackMate's own files
 * are, and knows when an element had children (so its end tag goes on its own line).
 */
final class IndentingXmlOut {
  private final XMLStreamWriter w;
  private final Deque<boolean[]> open = new ArrayDeque<>();

  IndentingXmlOut(XMLStreamWriter w) {
    this.w = w;
  }

  private void newline() throws XMLStreamException {
    if (!open.isEmpty()) {
      open.peek()[0] = true;
    }
    StringBuilder sb = new StringBuilder("\n");
    for (int i = 0; i < open.size(); i++) {
      sb.append("  ");
    }
    w.writeCharacters(sb.toString());
  }

  /** Starts an element that will have children or text. */
  void start(String name) throws XMLStreamException {
    newline();
    w.writeStartElement(name);
    open.push(new boolean[] {false});
  }

  /** Writes an empty element; attributes may follow with {@link #attr}. */
  void empty(String name) throws XMLStreamException {
    newline();
    w.writeEmptyElement(name);
  }

  void attr(String name, String value) throws XMLStreamException {
    w.writeAttribute(name, value);
  }

  /**
   * Text inside the current element, written as is (escaped), with no indentation added. Line ends
   * are written as {@code \n}: an XML reader turns {@code \r\n} and {@code \r} into {@code \n}
   * anyway, and no StAX-implementation-specific character reference is needed.
   */
  void text(String text) throws XMLStreamException {
    w.writeCharacters(text.replace("\r\n", "\n").replace('\r', '\n'));
  }

  /** Ends the current element; its end tag goes on a new line when it had child elements. */
  void end() throws XMLStreamException {
    boolean[] hadChildren = open.pop();
    if (hadChildren[0]) {
      StringBuilder sb = new StringBuilder("\n");
      for (int i = 0; i < open.size(); i++) {
        sb.append("  ");
      }
      w.writeCharacters(sb.toString());
    }
    w.writeEndElement();
  }
}
