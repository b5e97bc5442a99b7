package org.volltrack.btrackmate.io;

import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A StAX cursor for {@link TrackMateXmlReader}: moves through elements, refuses DTDs and entity
 * references, parses attribute values, and turns every problem into a {@link
 * TrackMateXmlException} with the source name, element and line.
 */
final class StaxCursor {
  private final XMLStreamReader r;
  private final String source;

  StaxCursor(XMLStreamReader r, String source) {
    this.r = r;
    this.source = source;
  }

  /** The source name used in messages. */
  String source() {
    return source;
  }

  /** The number of attributes of the current element. */
  int attributeCount() {
    return r.getAttributeCount();
  }

  /** The local name of the i-th attribute. */
  String attributeName(int i) {
    return r.getAttributeLocalName(i);
  }

  /** The value of the i-th attribute. */
  String attributeValue(int i) {
    return r.getAttributeValue(i);
  }

  /** The current line (1-based), or -1 when unknown. */
  int line() {
    Location l = r.getLocation();
    return l == null ? -1 : l.getLineNumber();
  }

  /** An error at the current line. */
  TrackMateXmlException error(String element, String problem) {
    return new TrackMateXmlException(source, element, line(), problem, null);
  }

  /** The next event; DTDs, entity references and malformed XML throw. */
  int next() throws TrackMateXmlException {
    int ev;
    try {
      ev = r.next();
    } catch (XMLStreamException e) {
      Location l = e.getLocation();
      String msg = e.getMessage();
      for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause() : nested(t)) {
        if (t instanceof java.nio.charset.CharacterCodingException) {
          msg = "not valid UTF-8 text (a malformed byte sequence)";
          break;
        }
      }
      if (msg != null && msg.contains("Message: ")) {
        msg = msg.substring(msg.indexOf("Message: ") + 9);
      }
      throw new TrackMateXmlException(
          source, null, l == null ? -1 : l.getLineNumber(), "malformed XML: " + msg, e);
    }
    if (ev == XMLStreamConstants.DTD) {
      throw error(
          null,
          "a DOCTYPE declaration is not allowed (DTDs and external entities are refused);"
              + " TrackMate files have none");
    }
    if (ev == XMLStreamConstants.ENTITY_REFERENCE) {
      throw error(null, "entity reference &" + r.getLocalName() + "; is not allowed");
    }
    return ev;
  }

  private static Throwable nested(Throwable t) {
    return t instanceof XMLStreamException ? ((XMLStreamException) t).getNestedException() : null;
  }

  /** Advances to the next child element of the current one; false at the current's end tag. */
  boolean nextChild() throws TrackMateXmlException {
    while (true) {
      int ev = next();
      if (ev == XMLStreamConstants.START_ELEMENT) {
        return true;
      }
      if (ev == XMLStreamConstants.END_ELEMENT || ev == XMLStreamConstants.END_DOCUMENT) {
        return false;
      }
    }
  }

  /** Skips the current element and everything in it. */
  void skip() throws TrackMateXmlException {
    int depth = 1;
    while (depth > 0) {
      int ev = next();
      if (ev == XMLStreamConstants.START_ELEMENT) {
        depth++;
      } else if (ev == XMLStreamConstants.END_ELEMENT) {
        depth--;
      }
    }
  }

  /** The text of the current element (child elements skipped); leaves the cursor on its end. */
  String text() throws TrackMateXmlException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int ev = next();
      if (ev == XMLStreamConstants.CHARACTERS
          || ev == XMLStreamConstants.CDATA
          || ev == XMLStreamConstants.SPACE) {
        sb.append(r.getText());
      } else if (ev == XMLStreamConstants.START_ELEMENT) {
        skip();
      } else if (ev == XMLStreamConstants.END_ELEMENT) {
        return sb.toString();
      }
    }
  }

  /** The local name of the current element. */
  String name() {
    return r.getLocalName();
  }

  /** An attribute of the current element, or null. */
  String attr(String name) {
    return r.getAttributeValue(null, name);
  }

  /** An attribute of the current element; missing throws. */
  String required(String attribute) throws TrackMateXmlException {
    String v = attr(attribute);
    if (v == null) {
      throw error(name(), "the required attribute " + attribute + " is missing");
    }
    return v;
  }

  /** An attribute value as an int; anything else throws. */
  int parseInt(String attribute, String value) throws TrackMateXmlException {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw error(name(), "attribute " + attribute + "=\"" + value + "\" is not an integer");
    }
  }

  /** An attribute value as a Java double (NaN, Infinity allowed); anything else throws. */
  double parseDouble(String attribute, String value) throws TrackMateXmlException {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw error(
          name(),
          "attribute " + attribute + "=\"" + value
              + "\" is not a number (Java syntax expected: 1.5, 1.0E-5, NaN, Infinity)");
    }
  }

  /** An attribute value as true/false (any case); anything else throws. */
  boolean parseBoolean(String attribute, String value) throws TrackMateXmlException {
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw error(name(), "attribute " + attribute + "=\"" + value + "\" is not true or false");
  }
}
