package org.volltrack.btrackmate.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.volltrack.btrackmate.cli.Main;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;

/**
 * A TrackMate XML file from elsewhere cannot make BTrackmate read local files, contact a server or
 * expand entities (issue #8 item 2): DTDs (internal or external), external entities (file and
 * http), parameter entities and entity expansion are refused with one line; XInclude is not
 * processed. Checked on the reader and through the command line (exit 2, nothing written).
 */
class UntrustedXmlTest {

  @TempDir Path tmp;
  private Path secret;
  private String valid;

  @BeforeEach
  void setUp() throws Exception {
    secret = tmp.resolve("secret.txt");
    Files.write(secret, "TOP-SECRET".getBytes(StandardCharsets.UTF_8));
    TrackModel model =
        new TrackModel(
            SpotCollection.of(Arrays.asList(Spot.builder(1, 0, 1, 2, 0).build()), 0, 0),
            Collections.emptyList());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrackMateXmlWriter.write(TrackMateDocument.builder(model).log("log").build(), out);
    valid = new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  /** The valid file with a DOCTYPE after the XML declaration and {@code log} as the Log's text. */
  private Path file(String doctype, String log) throws Exception {
    String xml = valid.replaceFirst("\\?>", "?>\n" + doctype).replace("<Log>log</Log>", "<Log>" + log + "</Log>");
    Path p = tmp.resolve("untrusted.xml");
    Files.write(p, xml.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  private TrackMateXmlException refused(Path p) {
    TrackMateXmlException e = assertThrows(TrackMateXmlException.class, () -> TrackMateXmlReader.read(p));
    String m = e.getMessage();
    assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
    assertTrue(m.startsWith(p.toString()), m);
    assertFalse(m.contains("TOP-SECRET"), m);
    return e;
  }

  /** Runs the CLI on the file: exit 2, one line naming it, no output file. */
  private String cliRefuses(Path p) {
    Path out = tmp.resolve("out.xml");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"--xml", p.toString(), "--no-tracking", "--out", out.toString(), "--quiet"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err));
    String text = new String(err.toByteArray(), StandardCharsets.UTF_8).trim();
    assertEquals(2, status, text);
    assertFalse(text.contains("\n"), text);
    assertTrue(text.contains(p.toString()), text);
    assertFalse(text.contains("TOP-SECRET"), text);
    assertFalse(Files.exists(out));
    return text;
  }

  @Test
  void validFileReads() throws Exception {
    assertEquals("log", TrackMateXmlReader.read(file("", "log")).document().log());
  }

  @Test
  void externalFileEntityIsRefused() throws Exception {
    Path p = file("<!DOCTYPE TrackMate [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>", "&xxe;");
    assertTrue(refused(p).getMessage().contains("DOCTYPE declaration is not allowed"));
    assertTrue(cliRefuses(p).contains("DOCTYPE declaration is not allowed"));
  }

  @Test
  void externalDtdFileIsRefused() throws Exception {
    Path p = file("<!DOCTYPE TrackMate SYSTEM \"" + secret.toUri() + "\">", "log");
    assertTrue(refused(p).getMessage().contains("DOCTYPE"));
    cliRefuses(p);
  }

  @Test
  void parameterEntityIsRefused() throws Exception {
    Path p = file("<!DOCTYPE TrackMate [<!ENTITY % p SYSTEM \"" + secret.toUri() + "\"> %p;]>", "log");
    assertTrue(refused(p).getMessage().contains("DOCTYPE"));
    cliRefuses(p);
  }

  @Test
  void httpEntitiesAndDtdsAreRefusedWithoutContactingTheServer() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + server.getLocalPort();
      refused(file("<!DOCTYPE TrackMate [<!ENTITY xxe SYSTEM \"" + url + "/entity\">]>", "&xxe;"));
      refused(file("<!DOCTYPE TrackMate SYSTEM \"" + url + "/external.dtd\">", "log"));
      refused(file("<!DOCTYPE TrackMate [<!ENTITY % p SYSTEM \"" + url + "/p.dtd\"> %p;]>", "log"));
      cliRefuses(file("<!DOCTYPE TrackMate PUBLIC \"-//x//EN\" \"" + url + "/public.dtd\">", "log"));
      server.setSoTimeout(300);
      assertThrows(SocketTimeoutException.class, () -> {
        try (Socket s = server.accept()) {
          // a connection means the reader fetched something
        }
      });
    }
  }

  @Test
  void billionLaughsIsRefusedBeforeAnyExpansion() throws Exception {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE TrackMate [<!ENTITY a \"aaaaaaaaaa\">");
    String prev = "a";
    for (int i = 0; i < 12; i++) {
      String name = "e" + i;
      dtd.append("<!ENTITY ").append(name).append(" \"");
      for (int k = 0; k < 10; k++) {
        dtd.append('&').append(prev).append(';');
      }
      dtd.append("\">");
      prev = name;
    }
    dtd.append("]>");
    Path p = file(dtd.toString(), "&" + prev + ";");
    long t0 = System.nanoTime();
    refused(p);
    cliRefuses(p);
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "refused at once");
  }

  @Test
  void undeclaredEntityReferenceIsAnErrorWithoutDoctype() throws Exception {
    assertTrue(refused(file("", "&xxe;")).getMessage().contains("malformed XML"));
  }

  @Test
  void xincludeIsNotProcessed() throws Exception {
    String include =
        "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"" + secret.toUri()
            + "\" parse=\"text\"/>";
    TrackMateXmlFile f = TrackMateXmlReader.read(file("", "before" + include + "after"));
    assertEquals("beforeafter", f.document().log());
  }
}
