package org.volltrack.btrackmate.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.volltrack.btrackmate.features.EdgeFeatureCalculator;
import org.volltrack.btrackmate.features.FeatureDeclaration;
import org.volltrack.btrackmate.features.TrackFeatureCalculator;
import org.volltrack.btrackmate.features.TrackMateFeatures;
import org.volltrack.btrackmate.model.Calibration;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.model.Link;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.TrackModel;
import org.volltrack.btrackmate.tracking.LapSettingsXml;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.volltrack.btrackmate.model.FeatureKeys;

/**
 * Writes a {@link TrackMateDocument} as a TrackMate XML file that Fiji's "Load a TrackMate file"
 * opens, following the writer checklist of spec {@code trackmate.md} §2.11.
 *
 * <p>The file is streamed (see {@link IndentingXmlOut}), so its size is bounded by the model in
 * memory, not by a DOM.
 * Layout: root {@code TrackMate} with {@code version} {@value #FORMAT_VERSION} (the TrackMate
 * schema version this writer follows; TrackMate refuses versions below 2.1.0), {@code Log},
 * {@code Model} (units, FeatureDeclarations, AllSpots with a SpotsInFrame for every frame 0 …
 * nframes−1, AllTracks with one Track per connected component and its edges, FilteredTracks
 * listing every track), {@code Settings} (ImageData, BasicSettings, DetectorSettings,
 * InitialSpotFilter, SpotFilterCollection, TrackerSettings, TrackFilterCollection,
 * AnalyzerCollection), {@code GUIState state="ConfigureViews"} and, when the document has one,
 * BTrackmate's settings in a root element {@value #BTRACKMATE_ELEMENT} that TrackMate never looks
 * up. Edge and track features are computed here ({@link EdgeFeatureCalculator}, {@link
 * TrackFeatureCalculator}); numbers are written with {@code Double.toString}, integer features as
 * integers.
 */
public final class TrackMateXmlWriter {

  /** The {@code TrackMate@version} written: the TrackMate release whose schema is followed. */
  public static final String FORMAT_VERSION = "7.14.0";
  /** The root child holding BTrackmate's settings payload (text). TrackMate ignores it. */
  public static final String BTRACKMATE_ELEMENT = "BTrackmate";
  /** TrackMate's key for the manual tracker, written when the document has no LAP settings. */
  public static final String MANUAL_TRACKER = "MANUAL_TRACKER";

  private static final java.util.Set<String> RESERVED_SPOT_ATTRIBUTES =
      new java.util.HashSet<>(java.util.Arrays.asList("ID", "name", "ROI_N_POINTS"));

  private static final String[] EDGE_ANALYZERS = {
    "Directional change", "Edge speed", "Edge target", "Edge location"
  };
  private static final String[] TRACK_ANALYZERS = {
    "Branching analyzer", "Track duration", "Track index", "Track location", "Track speed",
    "Track quality", "Track motility analysis"
  };

  private TrackMateXmlWriter() {}

  /**
   * Writes the document to {@code file} atomically: to a temporary file in the same folder, then
   * renamed over {@code file}. On any failure the temporary file is deleted and an existing
   * {@code file} is left untouched.
   *
   * @throws IOException when the folder cannot be written
   * @throws IllegalArgumentException when the document cannot be expressed in TrackMate XML (a
   *     spot ID outside the int range, a name with characters XML cannot carry, a spot feature key
   *     that cannot be an attribute name or is reserved: ID, name, ROI_N_POINTS)
   */
  public static void write(TrackMateDocument document, Path file) throws IOException {
    AtomicFile.write(file, out -> write(document, out));
  }

  /**
   * Writes the document to a stream (UTF-8). The stream is flushed, not closed. Not atomic: use
   * {@link #write(TrackMateDocument, Path)} for files.
   *
   * @throws IOException when the stream fails
   * @throws IllegalArgumentException as {@link #write(TrackMateDocument, Path)}
   */
  public static void write(TrackMateDocument document, OutputStream out) throws IOException {
    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    IndentingXmlOut x = new IndentingXmlOut(w);
    x.declaration();
    new Run(document, x).write();
    x.finish();
    out.flush();
  }

  private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);

  /** Formats a number as TrackMate does: integers for int features, else Double.toString. */
  static String number(double v, boolean isInt) {
    // -0.0 stays "-0.0": "0" would read back as +0.0.
    if (isInt && Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 9.007199254740992E15
        && Double.doubleToRawLongBits(v) != NEGATIVE_ZERO) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** One write: the document and the output. */
  private static final class Run {
    private final TrackMateDocument doc;
    private final IndentingXmlOut x;
    private final TrackModel model;
    private final Calibration cal;
    private final ImageInfo image;

    Run(TrackMateDocument doc, IndentingXmlOut x) {
      this.doc = doc;
      this.x = x;
      this.model = doc.model();
      this.cal = doc.calibration();
      this.image = doc.image() != null ? doc.image() : derivedImage();
    }

    /** Image sizes from the spot extents, when the document has no image. */
    private ImageInfo derivedImage() {
      double maxX = 0;
      double maxY = 0;
      double maxZ = 0;
      for (Spot s : model.spots().all()) {
        double r = s.radius() > 0 ? s.radius() : 0; // NaN (a file's RADIUS="NaN") counts as 0
        maxX = Math.max(maxX, s.x() + r);
        maxY = Math.max(maxY, s.y() + r);
        maxZ = Math.max(maxZ, s.z());
      }
      int nframes = model.spots().byFrame().isEmpty() ? 1 : model.spots().byFrame().lastKey() + 1;
      return new ImageInfo(
          "", "", pixels(maxX / cal.dx()), pixels(maxY / cal.dy()), pixels(maxZ / cal.dz()), nframes);
    }

    private static int pixels(double extent) {
      if (!(extent > 0)) {
        return 1;
      }
      return (int) Math.min(Integer.MAX_VALUE, Math.floor(extent) + 1);
    }

    void write() throws IOException {
      x.start("TrackMate");
      x.attr("version", FORMAT_VERSION);
      x.start("Log");
      x.text(XmlText.strip(doc.log()));
      x.end();
      writeModel();
      writeSettings();
      x.empty("GUIState");
      x.attr("state", "ConfigureViews");
      if (doc.btrackmateSettings() != null) {
        x.start(BTRACKMATE_ELEMENT);
        x.text(doc.btrackmateSettings());
        x.end();
      }
      x.end();
    }

    private void writeModel() throws IOException {
      x.start("Model");
      x.attr("spatialunits", cal.spaceUnit());
      x.attr("timeunits", cal.timeUnit());
      List<FeatureDeclaration> spotDecl = spotDeclarations();
      writeDeclarations(spotDecl);
      writeSpots(spotDecl);
      writeTracks();
      x.start("FilteredTracks");
      for (TrackModel.Track t : model.tracks()) {
        x.empty("TrackID");
        x.attr("TRACK_ID", Integer.toString(t.id()));
      }
      x.end();
      x.end();
    }

    /** The 8 base spot features, the document's declarations, then any other feature spots carry. */
    private List<FeatureDeclaration> spotDeclarations() {
      Map<String, FeatureDeclaration> out = new LinkedHashMap<>();
      for (FeatureDeclaration d : TrackMateFeatures.SPOT_BASE) {
        out.put(d.key(), d);
      }
      for (FeatureDeclaration d : doc.spotDeclarations().values()) {
        out.putIfAbsent(d.key(), d);
      }
      for (Spot s : model.spots().all()) {
        for (String key : s.features().keySet()) {
          if (!out.containsKey(key)) {
            XmlText.requireName("spot feature key", key);
            if (RESERVED_SPOT_ATTRIBUTES.contains(key)) {
              throw new IllegalArgumentException(
                  "spot feature key \"" + key + "\" is reserved in TrackMate's Spot element");
            }
            FeatureDeclaration d = doc.spotDeclarations().get(key);
            out.put(key, d != null ? d : TrackMateFeatures.spotDeclaration(key));
          }
        }
      }
      return new ArrayList<>(out.values());
    }

    private void writeDeclarations(List<FeatureDeclaration> spotDecl) throws IOException {
      x.start("FeatureDeclarations");
      writeFeatureList("SpotFeatures", spotDecl);
      writeFeatureList("EdgeFeatures", TrackMateFeatures.EDGE);
      writeFeatureList("TrackFeatures", TrackMateFeatures.TRACK);
      x.end();
    }

    private void writeFeatureList(String element, List<FeatureDeclaration> decl)
        throws IOException {
      x.start(element);
      for (FeatureDeclaration d : decl) {
        x.empty("Feature");
        x.attr("feature", d.key());
        x.attr("name", d.name());
        x.attr("shortname", d.shortName());
        x.attr("dimension", d.dimension().name());
        x.attr("isint", Boolean.toString(d.isInt()));
      }
      x.end();
    }

    private void writeSpots(List<FeatureDeclaration> spotDecl) throws IOException {
      Map<String, Boolean> isInt = new LinkedHashMap<>();
      for (FeatureDeclaration d : spotDecl) {
        isInt.put(d.key(), d.isInt());
      }
      x.start("AllSpots");
      x.attr("nspots", Integer.toString(model.spots().size()));
      int nframes = image.nframes();
      if (!model.spots().byFrame().isEmpty()) {
        nframes = Math.max(nframes, model.spots().byFrame().lastKey() + 1);
      }
      for (int f = 0; f < nframes; f++) {
        List<Spot> spots = model.spots().inFrame(f);
        if (spots.isEmpty()) {
          x.empty("SpotsInFrame");
          x.attr("frame", Integer.toString(f));
          continue;
        }
        x.start("SpotsInFrame");
        x.attr("frame", Integer.toString(f));
        for (Spot s : spots) {
          writeSpot(s, isInt);
        }
        x.end();
      }
      x.end();
    }

    private void writeSpot(Spot s, Map<String, Boolean> isInt) throws IOException {
      double[] roi = doc.roi(s.id());
      if (roi == null) {
        x.empty("Spot");
      } else {
        x.start("Spot");
      }
      x.attr("ID", Integer.toString(intId(s.id())));
      XmlText.requireValid("spot " + s.id() + " name", s.name());
      x.attr("name", s.name());
      x.attr(FeatureKeys.QUALITY, Double.toString(s.quality()));
      x.attr(FeatureKeys.POSITION_X, Double.toString(s.x()));
      x.attr(FeatureKeys.POSITION_Y, Double.toString(s.y()));
      x.attr(FeatureKeys.POSITION_Z, Double.toString(s.z()));
      x.attr(FeatureKeys.POSITION_T, Double.toString(EdgeFeatureCalculator.time(s, cal)));
      x.attr(FeatureKeys.FRAME, Integer.toString(s.frame()));
      x.attr(FeatureKeys.RADIUS, Double.toString(s.radius()));
      x.attr(FeatureKeys.VISIBILITY, s.visible() ? "1" : "0");
      for (Map.Entry<String, Double> e : s.features().entrySet()) {
        if (e.getKey().equals(FeatureKeys.POSITION_T)) {
          continue;
        }
        Boolean asInt = isInt.get(e.getKey());
        x.attr(e.getKey(), number(e.getValue(), asInt != null && asInt));
      }
      if (roi != null) {
        x.attr("ROI_N_POINTS", Integer.toString(roi.length / 2));
        StringBuilder sb = new StringBuilder();
        for (double v : roi) {
          sb.append(Double.toString(v)).append(' ');
        }
        x.text(sb.toString());
        x.end();
      }
    }

    private void writeTracks() throws IOException {
      TrackFeatureCalculator tracks = new TrackFeatureCalculator(model, cal);
      if (model.tracks().isEmpty()) {
        x.empty("AllTracks");
        return;
      }
      x.start("AllTracks");
      for (TrackModel.Track t : model.tracks()) {
        x.start("Track");
        x.attr("name", TrackFeatureCalculator.trackName(t.id()));
        x.attr(TrackMateFeatures.TRACK_ID, Integer.toString(t.id()));
        Map<String, Double> features = tracks.compute(t);
        EdgeFeatureCalculator edges = EdgeFeatureCalculator.forTrack(model, t, cal);
        for (FeatureDeclaration d : TrackMateFeatures.TRACK) {
          if (!d.key().equals(TrackMateFeatures.TRACK_ID)) {
            x.attr(d.key(), number(features.get(d.key()), d.isInt()));
          }
        }
        for (Link l : t.links()) {
          x.empty("Edge");
          intId(l.source());
          intId(l.target());
          Map<String, Double> ef = edges.compute(l);
          for (FeatureDeclaration d : TrackMateFeatures.EDGE) {
            x.attr(d.key(), number(ef.get(d.key()), d.isInt()));
          }
        }
        x.end();
      }
      x.end();
    }

    private static int intId(long id) {
      if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "spot ID " + id + " does not fit TrackMate's int spot IDs");
      }
      return (int) id;
    }

    private void writeSettings() throws IOException {
      x.start("Settings");
      x.empty("ImageData");
      x.attr("filename", image.filename());
      x.attr("folder", image.folder());
      x.attr("width", Integer.toString(image.width()));
      x.attr("height", Integer.toString(image.height()));
      x.attr("nslices", Integer.toString(image.nslices()));
      x.attr("nframes", Integer.toString(image.nframes()));
      x.attr("pixelwidth", Double.toString(cal.dx()));
      x.attr("pixelheight", Double.toString(cal.dy()));
      x.attr("voxeldepth", Double.toString(cal.dz()));
      x.attr("timeinterval", Double.toString(cal.dt()));

      x.empty("BasicSettings");
      x.attr("xstart", "0");
      x.attr("xend", Integer.toString(image.width() - 1));
      x.attr("ystart", "0");
      x.attr("yend", Integer.toString(image.height() - 1));
      x.attr("zstart", "0");
      x.attr("zend", Integer.toString(image.nslices() - 1));
      x.attr("tstart", "0");
      x.attr("tend", Integer.toString(image.nframes() - 1));

      DetectorSettings det =
          doc.detector() != null ? doc.detector() : DetectorSettings.manual(doc.meanRadius());
      x.empty("DetectorSettings");
      x.attr("DETECTOR_NAME", det.name());
      for (Map.Entry<String, String> e : det.attributes().entrySet()) {
        x.attr(e.getKey(), e.getValue());
      }

      x.empty("InitialSpotFilter");
      x.attr("feature", FeatureKeys.QUALITY);
      x.attr("value", Double.toString(doc.initialQualityThreshold()));
      x.attr("isabove", "true");

      writeFilters("SpotFilterCollection", doc.spotFilters());
      writeTracker();
      writeFilters("TrackFilterCollection", doc.trackFilters());

      x.start("AnalyzerCollection");
      x.empty("SpotAnalyzers");
      writeAnalyzers("EdgeAnalyzers", EDGE_ANALYZERS);
      writeAnalyzers("TrackAnalyzers", TRACK_ANALYZERS);
      x.end();
      x.end();
    }

    private void writeFilters(String element, List<FeatureFilter> filters)
        throws IOException {
      if (filters.isEmpty()) {
        x.empty(element);
        return;
      }
      x.start(element);
      for (FeatureFilter f : filters) {
        x.empty("Filter");
        x.attr("feature", f.feature());
        x.attr("value", Double.toString(f.value()));
        x.attr("isabove", Boolean.toString(f.isAbove()));
      }
      x.end();
    }

    private void writeAnalyzers(String element, String[] keys) throws IOException {
      x.start(element);
      for (String k : keys) {
        x.empty("Analyzer");
        x.attr("key", k);
      }
      x.end();
    }

    private void writeTracker() throws IOException {
      if (doc.lapSettings() == null) {
        x.empty(LapSettingsXml.ELEMENT);
        x.attr(LapSettingsXml.TRACKER_NAME_ATTRIBUTE, MANUAL_TRACKER);
        return;
      }
      Document dom;
      try {
        dom = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
      } catch (ParserConfigurationException e) {
        throw new IllegalStateException("no DOM implementation", e);
      }
      writeDom(LapSettingsXml.write(dom, doc.lapSettings(), doc.trackerKey()));
    }

    /** Writes a DOM element (attributes and child elements; no text) through the stream. */
    private void writeDom(Element e) throws IOException {
      List<Element> children = new ArrayList<>();
      NodeList nodes = e.getChildNodes();
      for (int i = 0; i < nodes.getLength(); i++) {
        if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
          children.add((Element) nodes.item(i));
        }
      }
      if (children.isEmpty()) {
        x.empty(e.getTagName());
      } else {
        x.start(e.getTagName());
      }
      NamedNodeMap attrs = e.getAttributes();
      List<Attr> ordered = new ArrayList<>();
      for (int i = 0; i < attrs.getLength(); i++) {
        Attr a = (Attr) attrs.item(i);
        // The tracker key first, as TrackMate writes it (attribute order carries no meaning).
        if (a.getName().equals(LapSettingsXml.TRACKER_NAME_ATTRIBUTE)) {
          ordered.add(0, a);
        } else {
          ordered.add(a);
        }
      }
      for (Attr a : ordered) {
        x.attr(a.getName(), a.getValue());
      }
      if (!children.isEmpty()) {
        for (Element c : children) {
          writeDom(c);
        }
        x.end();
      }
    }
  }
}
