package org.volltrack.btrackmate.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.volltrack.btrackmate.features.FeatureDeclaration;
import org.volltrack.btrackmate.features.FeatureDimension;
import org.volltrack.btrackmate.features.TrackMateFeatures;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.model.FeatureKeys;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.tracking.LapSettings;
import org.volltrack.btrackmate.tracking.LapSettingsXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Reads TrackMate XML files written by TrackMate 2.1 to 8.x (the "v3" schema onwards, spec
 * {@code trackmate.md} §2), by BTrackMate, and by {@link TrackMateXmlWriter}.
 *
 * <p>The file is streamed (StAX). DOCTYPE declarations are refused, so neither external entities
 * nor entity expansion ("billion laughs") can happen. Every problem that makes the file unusable
 * throws one {@link TrackMateXmlException} naming the file, the element, the line and what was
 * expected; what TrackMate itself tolerates (an edge to an unknown spot, a non-LAP tracker,
 * unreadable tracker settings, missing declarations) is skipped or defaulted and reported in
 * {@link TrackMateXmlFile#warnings()}.
 *
 * <p>Required, as TrackMate's loader requires them: root {@code TrackMate} with a {@code version}
 * ≥ 2.1.0; {@code Model} with {@code AllSpots}, {@code AllTracks} and {@code FilteredTracks};
 * each spot's {@code ID} and numeric POSITION_X/Y/Z; when {@code Settings} is present, its {@code
 * ImageData}, {@code InitialSpotFilter}, {@code SpotFilterCollection} and {@code
 * TrackFilterCollection}. Spot attributes are parsed as Java doubles ({@code NaN}, {@code
 * Infinity}; Python's {@code inf}/{@code nan} are errors). POSITION_T is kept as a spot feature
 * only where it differs from frame × dt (otherwise it is implied by the calibration). Spot ROI
 * polygons are kept in the document; edges are oriented forward in time.
 */
public final class TrackMateXmlReader {

  private TrackMateXmlReader() {}

  /**
   * Reads a file.
   *
   * @throws TrackMateXmlException when the file is not a usable TrackMate XML file
   * @throws IOException when it cannot be read
   */
  public static TrackMateXmlFile read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads a stream (not closed).
   *
   * @param sourceName the name used in error messages
   * @throws TrackMateXmlException when the content is not a usable TrackMate XML file
   * @throws IOException when the stream fails
   */
  public static TrackMateXmlFile read(InputStream in, String sourceName) throws IOException {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    try {
      f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    } catch (IllegalArgumentException ignored) {
      // Not every StAX implementation knows the property; DTDs are refused below anyway.
    }
    BufferedInputStream buffered =
        in instanceof BufferedInputStream ? (BufferedInputStream) in : new BufferedInputStream(in, 1 << 16);
    Reader utf8 = utf8Reader(buffered);
    XMLStreamReader r;
    try {
      r = utf8 != null ? f.createXMLStreamReader(utf8) : f.createXMLStreamReader(buffered);
    } catch (XMLStreamException e) {
      throw new TrackMateXmlException(sourceName, null, -1, "cannot parse XML: " + e.getMessage(), e);
    }
    try {
      return new Parse(r, sourceName).file();
    } catch (IllegalArgumentException e) {
      // A value the model refuses (an empty feature key, a NaN threshold, a non-finite ROI, …).
      javax.xml.stream.Location l = r.getLocation();
      throw new TrackMateXmlException(
          sourceName, null, l == null ? -1 : l.getLineNumber(), "unusable content: " + e.getMessage(), e);
    } finally {
      try {
        r.close();
      } catch (XMLStreamException ignored) {
        // closing a reader that already failed
      }
    }
  }

  private static final Pattern ENCODING =
      Pattern.compile("encoding\\s*=\\s*[\"']([A-Za-z0-9._\\-]+)[\"']");

  /**
   * A strict UTF-8 reader over the stream, past any byte-order mark, when the file is UTF-8 (as
   * TrackMate writes it: no other encoding declared, no UTF-16 mark); null otherwise, and the XML
   * parser decodes. Decoding here makes a malformed byte one {@link TrackMateXmlException}: the
   * JDK's parser would also print a "[Fatal Error]" line of its own on the standard error stream.
   */
  static Reader utf8Reader(BufferedInputStream in) throws IOException {
    byte[] head = new byte[512];
    in.mark(head.length);
    int n = 0;
    for (int k; n < head.length && (k = in.read(head, n, head.length - n)) > 0; ) {
      n += k;
    }
    in.reset();
    int bom = 0;
    if (n >= 3 && head[0] == (byte) 0xEF && head[1] == (byte) 0xBB && head[2] == (byte) 0xBF) {
      bom = 3;
    } else if (n >= 2 && (head[0] == (byte) 0xFE || head[0] == (byte) 0xFF || head[0] == 0 || head[1] == 0)) {
      return null; // UTF-16 or UTF-32
    }
    String prolog = new String(head, bom, n - bom, StandardCharsets.ISO_8859_1);
    if (prolog.startsWith("<?xml")) {
      int end = prolog.indexOf("?>");
      Matcher m = ENCODING.matcher(end < 0 ? prolog : prolog.substring(0, end));
      if (m.find() && !m.group(1).equalsIgnoreCase("UTF-8") && !m.group(1).equalsIgnoreCase("UTF8")) {
        return null;
      }
    }
    for (int i = 0; i < bom; i++) {
      in.read();
    }
    return new InputStreamReader(
        in,
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  /** Compares dotted versions by their leading numbers: "3.4.2" &lt; "7.0.0-SNAPSHOT". */
  static int[] versionNumbers(String version) {
    String[] parts = version.trim().split("[.\\-]");
    int[] out = new int[3];
    for (int i = 0; i < 3; i++) {
      if (i >= parts.length || !parts[i].matches("\\d+")) {
        if (i == 0) {
          return null;
        }
        break;
      }
      out[i] = Integer.parseInt(parts[i]);
    }
    return out;
  }

  /** One parse: the StAX cursor and what has been collected. */
  private static final class Parse {
    private final StaxCursor c;
    private final String source;
    private final List<String> warnings = new ArrayList<>();

    private String version;
    private String log = "";
    private String btrackmate;
    private boolean sawModel;
    private String spaceUnit = "pixel";
    private String timeUnit = "frame";
    private final List<FeatureDeclaration> spotDecl = new ArrayList<>();
    private final List<FeatureDeclaration> edgeDecl = new ArrayList<>();
    private final List<FeatureDeclaration> trackDecl = new ArrayList<>();
    private boolean sawDeclarations;
    private boolean sawAllSpots;
    private boolean sawAllTracks;
    private boolean sawFilteredTracks;

    private final Set<Integer> frames = new LinkedHashSet<>();
    private final List<Spot> spots = new ArrayList<>();
    /** Each spot's POSITION_T (NaN when absent), parallel to {@link #spots}. */
    private double[] positionT = new double[1024];
    private final Set<Long> spotIds = new HashSet<>();
    private final Map<Long, double[]> rois = new HashMap<>();

    private final List<RawTrack> rawTracks = new ArrayList<>();
    /** Every Edge attribute name seen; raw edges refer to them by index. */
    private final List<String> edgeKeys = new ArrayList<>();
    private final Map<String, Integer> edgeKeyIndex = new HashMap<>();
    private final List<Integer> filtered = new ArrayList<>();

    private ImageInfo image;
    private double dx = 1;
    private double dy = 1;
    private double dz = 1;
    private double dt = 1;
    private DetectorSettings detector;
    private double initialQuality;
    private final List<FeatureFilter> spotFilters = new ArrayList<>();
    private final List<FeatureFilter> trackFilters = new ArrayList<>();
    private String trackerName;
    private LapSettings lap;
    private String trackerKey = LapSettings.TRACKER_KEY;

    Parse(XMLStreamReader r, String source) {
      this.c = new StaxCursor(r, source);
      this.source = source;
    }

    // ---- document -----------------------------------------------------------------------------

    TrackMateXmlFile file() throws TrackMateXmlException {
      int ev;
      do {
        ev = c.next();
        if (ev == XMLStreamConstants.END_DOCUMENT) {
          throw c.error(null, "no root element; expected <TrackMate>");
        }
      } while (ev != XMLStreamConstants.START_ELEMENT);
      if (!c.name().equals("TrackMate")) {
        throw c.error(
            c.name(),
            "expected the root element <TrackMate>, found <" + c.name() + ">"
                + (c.name().equals("TrakMate") ? " (TrackMate 1.x schema, not supported)" : ""));
      }
      version = c.required("version");
      int[] v = versionNumbers(version);
      if (v == null) {
        throw c.error("TrackMate", "version=\"" + version + "\" is not a version number");
      }
      if (v[0] < 2 || (v[0] == 2 && v[1] < 1)) {
        throw c.error(
            "TrackMate",
            "version " + version + " is older than 2.1.0; the TrackMate 1.x-2.0 schema is not supported");
      }
      int rootLine = c.line();
      while (c.nextChild()) {
        switch (c.name()) {
          case "Log":
            log = c.text();
            break;
          case "Model":
            model();
            break;
          case "Settings":
            settings();
            break;
          case TrackMateXmlWriter.BTRACKMATE_ELEMENT:
            btrackmate = c.text();
            break;
          default:
            c.skip();
        }
      }
      if (!sawModel) {
        throw new TrackMateXmlException(
            source, "TrackMate", rootLine, "the required element <Model> is missing", null);
      }
      return build();
    }

    private void model() throws TrackMateXmlException {
      sawModel = true;
      int modelLine = c.line();
      if (c.attr("spatialunits") != null) {
        spaceUnit = c.attr("spatialunits");
      }
      if (c.attr("timeunits") != null) {
        timeUnit = c.attr("timeunits");
      }
      while (c.nextChild()) {
        switch (c.name()) {
          case "FeatureDeclarations":
            declarations();
            break;
          case "AllSpots":
            allSpots();
            break;
          case "AllTracks":
            allTracks();
            break;
          case "FilteredTracks":
            filteredTracks();
            break;
          default:
            c.skip();
        }
      }
      String missing =
          !sawAllSpots ? "AllSpots" : !sawAllTracks ? "AllTracks" : !sawFilteredTracks ? "FilteredTracks" : null;
      if (missing != null) {
        throw new TrackMateXmlException(
            source, "Model", modelLine, "the required element <" + missing + "> is missing", null);
      }
      if (!sawDeclarations) {
        warnings.add("Model has no FeatureDeclarations; edge features other than LINK_COST are dropped");
      }
    }

    private void declarations() throws TrackMateXmlException {
      sawDeclarations = true;
      while (c.nextChild()) {
        List<FeatureDeclaration> target;
        switch (c.name()) {
          case "SpotFeatures":
            target = spotDecl;
            break;
          case "EdgeFeatures":
            target = edgeDecl;
            break;
          case "TrackFeatures":
            target = trackDecl;
            break;
          default:
            c.skip();
            continue;
        }
        while (c.nextChild()) {
          if (c.name().equals("Feature")) {
            target.add(feature());
          }
          c.skip();
        }
      }
    }

    private FeatureDeclaration feature() throws TrackMateXmlException {
      String key = c.required("feature");
      String dim = c.required("dimension");
      FeatureDimension d;
      try {
        d = FeatureDimension.valueOf(dim);
      } catch (IllegalArgumentException e) {
        throw c.error("Feature", "feature " + key + ": unknown dimension \"" + dim + "\"");
      }
      String name = c.attr("name") == null ? key : c.attr("name");
      String shortName = c.attr("shortname") == null ? name : c.attr("shortname");
      String isInt = c.attr("isint");
      return new FeatureDeclaration(
          key, name, shortName, d, isInt != null && c.parseBoolean("isint", isInt));
    }

    private void allSpots() throws TrackMateXmlException {
      sawAllSpots = true;
      while (c.nextChild()) {
        if (!c.name().equals("SpotsInFrame")) {
          c.skip();
          continue;
        }
        int frame = c.parseInt("frame", c.required("frame"));
        if (frame < 0 || frame >= SpotCollection.MAX_FRAMES) {
          throw c.error(
              "SpotsInFrame",
              "frame must be in 0.." + (SpotCollection.MAX_FRAMES - 1) + ", got " + frame);
        }
        frames.add(frame);
        while (c.nextChild()) {
          if (c.name().equals("Spot")) {
            spot(frame);
          } else {
            c.skip();
          }
        }
      }
    }

    private void spot(int frame) throws TrackMateXmlException {
      int id = c.parseInt("ID", c.required("ID"));
      if (!spotIds.add((long) id)) {
        throw c.error("Spot", "spot ID " + id + " appears twice");
      }
      Map<String, Double> values = new LinkedHashMap<>();
      String name = null;
      int nRoi = -1;
      for (int i = 0; i < c.attributeCount(); i++) {
        String key = c.attributeName(i);
        String value = c.attributeValue(i);
        if (key.equals("ID")) {
          continue;
        } else if (key.equals("name")) {
          name = value;
        } else if (key.equals("ROI_N_POINTS")) {
          nRoi = c.parseInt(key, value);
        } else {
          values.put(key, c.parseDouble(key, value));
        }
      }
      for (String k :
          new String[] {FeatureKeys.POSITION_X, FeatureKeys.POSITION_Y, FeatureKeys.POSITION_Z}) {
        if (!values.containsKey(k)) {
          throw c.error("Spot", "spot " + id + " lacks the required attribute " + k);
        }
      }
      Double fileFrame = values.remove(FeatureKeys.FRAME);
      Double t = values.remove(FeatureKeys.POSITION_T);
      if (spots.size() == positionT.length) {
        positionT = java.util.Arrays.copyOf(positionT, 2 * positionT.length);
      }
      positionT[spots.size()] = t == null ? Double.NaN : t;
      if (fileFrame != null && fileFrame != frame) {
        throw c.error(
            "Spot",
            "spot " + id + " has FRAME=" + fileFrame + " but is in SpotsInFrame frame=" + frame);
      }
      Spot.Builder b =
          Spot.builder(
              id,
              frame,
              values.remove(FeatureKeys.POSITION_X),
              values.remove(FeatureKeys.POSITION_Y),
              values.remove(FeatureKeys.POSITION_Z));
      Double radius = values.remove(FeatureKeys.RADIUS);
      Double quality = values.remove(FeatureKeys.QUALITY);
      Double visibility = values.remove(FeatureKeys.VISIBILITY);
      if (radius != null) {
        b.radius(radius);
      }
      if (quality != null) {
        b.quality(quality);
      }
      if (visibility != null) {
        b.visible(visibility != 0);
      }
      if (name != null) {
        b.name(name);
      }
      for (Map.Entry<String, Double> e : values.entrySet()) {
        b.feature(e.getKey(), e.getValue());
      }
      Spot s;
      try {
        s = b.build();
      } catch (IllegalArgumentException e) {
        throw c.error("Spot", e.getMessage());
      }
      spots.add(s);
      int spotLine = c.line();
      String text = c.text().trim();
      if (nRoi > 2) {
        String[] parts = text.isEmpty() ? new String[0] : text.split("\\s+");
        if (parts.length != 2 * nRoi) {
          throw new TrackMateXmlException(
              source, "Spot", spotLine,
              "spot " + id + " has ROI_N_POINTS=" + nRoi + " but " + parts.length
                  + " coordinates (expected " + 2 * nRoi + ")", null);
        }
        double[] poly = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          try {
            poly[i] = Double.parseDouble(parts[i]);
          } catch (NumberFormatException e) {
            throw new TrackMateXmlException(
                source, "Spot", spotLine,
                "spot " + id + ": ROI coordinate \"" + parts[i] + "\" is not a number", null);
          }
        }
        rois.put((long) id, poly);
      }
    }

    private void allTracks() throws TrackMateXmlException {
      sawAllTracks = true;
      while (c.nextChild()) {
        if (!c.name().equals("Track")) {
          c.skip();
          continue;
        }
        RawTrack t = new RawTrack();
        t.id = c.parseInt("TRACK_ID", c.required("TRACK_ID"));
        t.name = c.attr("name") == null ? "Unnamed" : c.attr("name");
        for (int i = 0; i < c.attributeCount(); i++) {
          String key = c.attributeName(i);
          if (!key.equals("name")) {
            t.features.put(key, c.parseDouble(key, c.attributeValue(i)));
          }
        }
        while (c.nextChild()) {
          if (!c.name().equals("Edge")) {
            c.skip();
            continue;
          }
          RawEdge e = new RawEdge();
          e.line = c.line();
          e.source = c.parseInt("SPOT_SOURCE_ID", c.required("SPOT_SOURCE_ID"));
          e.target = c.parseInt("SPOT_TARGET_ID", c.required("SPOT_TARGET_ID"));
          int n = c.attributeCount();
          e.keys = new int[n];
          e.values = new double[n];
          for (int i = 0; i < n; i++) {
            String key = c.attributeName(i);
            Integer k = edgeKeyIndex.get(key);
            if (k == null) {
              k = edgeKeys.size();
              edgeKeys.add(key);
              edgeKeyIndex.put(key, k);
            }
            e.keys[i] = k;
            String value = c.attributeValue(i);
            try {
              e.values[i] = Double.parseDouble(value);
            } catch (NumberFormatException ex) {
              // An error only if the feature is declared (decided once all declarations are known).
              e.values[i] = Double.NaN;
              if (e.bad == null) {
                e.bad = new LinkedHashMap<>();
              }
              e.bad.put(key, value);
            }
          }
          t.edges.add(e);
          c.skip();
        }
        rawTracks.add(t);
      }
    }

    private void filteredTracks() throws TrackMateXmlException {
      sawFilteredTracks = true;
      while (c.nextChild()) {
        if (c.name().equals("TrackID")) {
          filtered.add(c.parseInt("TRACK_ID", c.required("TRACK_ID")));
        }
        c.skip();
      }
    }

    // ---- settings -----------------------------------------------------------------------------

    private void settings() throws TrackMateXmlException {
      int settingsLine = c.line();
      Set<String> seen = new HashSet<>();
      while (c.nextChild()) {
        seen.add(c.name());
        switch (c.name()) {
          case "ImageData":
            imageData();
            c.skip();
            break;
          case "DetectorSettings":
            detectorSettings();
            c.skip();
            break;
          case "InitialSpotFilter":
            String value = c.attr("value");
            initialQuality = value == null ? 0 : c.parseDouble("value", value);
            c.skip();
            break;
          case "SpotFilterCollection":
            filters(spotFilters);
            break;
          case "TrackFilterCollection":
            filters(trackFilters);
            break;
          case LapSettingsXml.ELEMENT:
            tracker();
            break;
          default:
            c.skip();
        }
      }
      for (String req :
          new String[] {"ImageData", "InitialSpotFilter", "SpotFilterCollection", "TrackFilterCollection"}) {
        if (!seen.contains(req)) {
          throw new TrackMateXmlException(
              source, "Settings", settingsLine,
              "the required element <" + req + "> is missing (TrackMate cannot load the file without it)",
              null);
        }
      }
      if (!seen.contains(LapSettingsXml.ELEMENT)) {
        warnings.add("Settings has no TrackerSettings");
      }
    }

    private void imageData() throws TrackMateXmlException {
      dx = calibrationValue("pixelwidth");
      dy = calibrationValue("pixelheight");
      dz = calibrationValue("voxeldepth");
      dt = calibrationValue("timeinterval");
      String[] sizes = {"width", "height", "nslices", "nframes"};
      int[] n = new int[4];
      for (int i = 0; i < 4; i++) {
        String v = c.attr(sizes[i]);
        if (v == null) {
          warnings.add("ImageData lacks " + sizes[i] + "; image size unknown");
          return;
        }
        n[i] = c.parseInt(sizes[i], v);
        if (n[i] < 1 || (i == 3 && n[i] > SpotCollection.MAX_FRAMES)) {
          warnings.add("ImageData has " + sizes[i] + "=" + n[i] + "; image size unknown");
          return;
        }
      }
      String filename = c.attr("filename") == null ? "" : c.attr("filename");
      String folder = c.attr("folder") == null ? "" : c.attr("folder");
      image = new ImageInfo(filename, folder, n[0], n[1], n[2], n[3]);
    }

    private double calibrationValue(String attribute) throws TrackMateXmlException {
      String v = c.attr(attribute);
      if (v == null) {
        warnings.add("ImageData lacks " + attribute + "; 1 is used");
        return 1;
      }
      double d = c.parseDouble(attribute, v);
      if (!(d > 0) || Double.isInfinite(d)) {
        warnings.add("ImageData has " + attribute + "=" + v + ", not a positive size; 1 is used");
        return 1;
      }
      return d;
    }

    private void detectorSettings() {
      String name = c.attr("DETECTOR_NAME");
      if (name == null || name.isEmpty()) {
        warnings.add("DetectorSettings has no DETECTOR_NAME; detector unknown");
        return;
      }
      Map<String, String> attrs = new LinkedHashMap<>();
      for (int i = 0; i < c.attributeCount(); i++) {
        String key = c.attributeName(i);
        if (!key.equals("DETECTOR_NAME")) {
          attrs.put(key, c.attributeValue(i));
        }
      }
      detector = new DetectorSettings(name, attrs);
    }

    private void filters(List<FeatureFilter> out) throws TrackMateXmlException {
      while (c.nextChild()) {
        if (c.name().equals("Filter")) {
          String feature = c.required("feature");
          double value = c.parseDouble("value", c.required("value"));
          boolean above = c.parseBoolean("isabove", c.required("isabove"));
          try {
            out.add(new FeatureFilter(feature, value, above));
          } catch (IllegalArgumentException e) {
            throw c.error("Filter", e.getMessage());
          }
        }
        c.skip();
      }
    }

    private void tracker() throws TrackMateXmlException {
      int trackerLine = c.line();
      Document dom;
      try {
        dom = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
      } catch (ParserConfigurationException e) {
        throw new IllegalStateException("no DOM implementation", e);
      }
      Element e = domElement(dom);
      trackerName = LapSettingsXml.trackerKey(e);
      if (trackerName == null) {
        warnings.add("line " + trackerLine + ": TrackerSettings has no TRACKER_NAME");
        return;
      }
      if (!LapSettingsXml.isLapTracker(e)) {
        warnings.add(
            "line " + trackerLine + ": tracker " + trackerName
                + " is not a LAP tracker; its settings are not read");
        return;
      }
      try {
        lap = LapSettingsXml.read(e);
        trackerKey = trackerName;
      } catch (IllegalArgumentException ex) {
        warnings.add(
            "line " + trackerLine + ": LAP tracker settings unreadable, left out: " + ex.getMessage());
      }
    }

    /** Copies the current element (attributes, child elements) into a DOM element. */
    private Element domElement(Document dom) throws TrackMateXmlException {
      Element e = dom.createElement(c.name());
      for (int i = 0; i < c.attributeCount(); i++) {
        e.setAttribute(c.attributeName(i), c.attributeValue(i));
      }
      while (c.nextChild()) {
        e.appendChild(domElement(dom));
      }
      return e;
    }

    // ---- assembly -----------------------------------------------------------------------------

    private TrackMateXmlFile build() throws TrackMateXmlException {
      // POSITION_T is kept as a spot feature only where it is not frame × dt.
      for (int i = 0; i < spots.size(); i++) {
        Spot s = spots.get(i);
        double t = positionT[i];
        if (!Double.isNaN(t) && Double.compare(t, s.frame() * dt) != 0) {
          spots.set(i, s.toBuilder().feature(FeatureKeys.POSITION_T, t).build());
        }
      }
      SpotCollection collection;
      try {
        collection = SpotCollection.ofFrames(frames, spots);
      } catch (IllegalArgumentException e) {
        throw new TrackMateXmlException(source, "AllSpots", -1, e.getMessage(), e);
      }
      Set<String> declaredEdge = new HashSet<>();
      for (FeatureDeclaration d : edgeDecl) {
        declaredEdge.add(d.key());
      }
      boolean[] keep = new boolean[edgeKeys.size()];
      for (int k = 0; k < keep.length; k++) {
        keep[k] =
            edgeKeys.get(k).equals(TrackMateFeatures.LINK_COST) || declaredEdge.contains(edgeKeys.get(k));
      }
      Map<TrackMateXmlFile.EdgeKey, TrackMateXmlFile.EdgeValues> edgeFeatures = new HashMap<>();
      List<Link> links = new ArrayList<>();
      List<TrackRecord> records = new ArrayList<>();
      Set<Integer> trackIds = new HashSet<>();
      for (RawTrack t : rawTracks) {
        if (!trackIds.add(t.id)) {
          warnings.add("TRACK_ID " + t.id + " appears twice in AllTracks");
        }
        List<Link> trackLinks = new ArrayList<>();
        for (RawEdge e : t.edges) {
          Link l = edge(e, collection, edgeFeatures, keep);
          if (l != null) {
            links.add(l);
            trackLinks.add(l);
          }
        }
        records.add(new TrackRecord(t.id, t.name, t.features, trackLinks));
      }
      List<Integer> visible = new ArrayList<>();
      for (int id : filtered) {
        if (trackIds.contains(id)) {
          visible.add(id);
        } else {
          warnings.add("FilteredTracks lists TRACK_ID " + id + ", which is not in AllTracks");
        }
      }
      TrackModel model = new TrackModel(collection, links);
      TrackMateDocument.Builder b =
          TrackMateDocument.builder(model)
              .calibration(Calibration.of(dx, dy, dz, dt, spaceUnit, timeUnit))
              .detector(detector)
              .initialQualityThreshold(initialQuality)
              .spotFilters(spotFilters)
              .trackFilters(trackFilters)
              .lapSettings(lap)
              .trackerKey(trackerKey)
              .log(log);
      if (btrackmate != null) {
        try {
          b.btrackmateSettings(btrackmate);
        } catch (IllegalArgumentException e) {
          throw new TrackMateXmlException(source, TrackMateXmlWriter.BTRACKMATE_ELEMENT, -1, e.getMessage(), e);
        }
      }
      for (FeatureDeclaration d : spotDecl) {
        if (!FeatureKeys.isFixedSpotKey(d.key()) && !d.key().equals(FeatureKeys.POSITION_T)) {
          b.spotDeclaration(d);
        }
      }
      for (Map.Entry<Long, double[]> e : rois.entrySet()) {
        b.roi(e.getKey(), e.getValue());
      }
      if (image != null && !collection.byFrame().isEmpty()
          && collection.byFrame().lastKey() >= image.nframes()) {
        warnings.add(
            "ImageData nframes=" + image.nframes() + " but spots reach frame "
                + collection.byFrame().lastKey() + "; image size dropped");
        image = null;
      }
      b.image(image);
      return new TrackMateXmlFile(
          version, b.build(), trackerName, records, visible, edgeKeys, edgeFeatures,
          spotDecl, edgeDecl, trackDecl, warnings);
    }

    /** A link for a raw edge, oriented forward in time; null (and a warning) when it is unusable. */
    private Link edge(
        RawEdge e,
        SpotCollection collection,
        Map<TrackMateXmlFile.EdgeKey, TrackMateXmlFile.EdgeValues> edgeFeatures,
        boolean[] keep)
        throws TrackMateXmlException {
      String where = "line " + e.line + ": edge " + e.source + "->" + e.target;
      Spot a = collection.get(e.source);
      Spot b = collection.get(e.target);
      if (a == null || b == null) {
        warnings.add(where + " refers to an unknown spot; skipped");
        return null;
      }
      if (e.source == e.target) {
        warnings.add(where + " joins a spot to itself; skipped");
        return null;
      }
      if (a.frame() == b.frame()) {
        warnings.add(where + " joins two spots of frame " + a.frame() + "; skipped");
        return null;
      }
      int kept = 0;
      double cost = 0;
      for (int i = 0; i < e.keys.length; i++) {
        if (!keep[e.keys[i]]) {
          continue;
        }
        String key = edgeKeys.get(e.keys[i]);
        if (e.bad != null && e.bad.containsKey(key)) {
          throw new TrackMateXmlException(
              source, "Edge", e.line,
              "attribute " + key + "=\"" + e.bad.get(key) + "\" is not a number", null);
        }
        if (key.equals(TrackMateFeatures.LINK_COST)) {
          cost = e.values[i];
        }
        kept++;
      }
      int[] keys = new int[kept];
      double[] values = new double[kept];
      for (int i = 0, o = 0; i < e.keys.length; i++) {
        if (keep[e.keys[i]]) {
          keys[o] = e.keys[i];
          values[o++] = e.values[i];
        }
      }
      boolean forward = a.frame() < b.frame();
      Link link = new Link(forward ? e.source : e.target, forward ? e.target : e.source, cost);
      TrackMateXmlFile.EdgeKey key = new TrackMateXmlFile.EdgeKey(link.source(), link.target());
      if (edgeFeatures.containsKey(key)) {
        warnings.add(where + " is listed twice; the copy is skipped");
        return null;
      }
      edgeFeatures.put(key, new TrackMateXmlFile.EdgeValues(keys, values));
      return link;
    }
  }

  private static final class RawTrack {
    int id;
    String name;
    final Map<String, Double> features = new LinkedHashMap<>();
    final List<RawEdge> edges = new ArrayList<>();
  }

  private static final class RawEdge {
    int line;
    long source;
    long target;
    int[] keys;
    double[] values;
    /** Attributes that are not numbers (key → text), or null. */
    Map<String, String> bad;
  }
}
