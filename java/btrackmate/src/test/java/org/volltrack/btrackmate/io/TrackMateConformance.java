package org.volltrack.btrackmate.io;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.volltrack.btrackmate.features.FeatureDimension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * An independent check of spec §2.9 ("Load a TrackMate file" requirements) and §2.11 (writer
 * checklist) on raw XML bytes, with a DOM parser: the list of violations, empty for a conforming
 * file.
 */
final class TrackMateConformance {

  private static final Set<String> KNOWN_DETECTORS =
      new HashSet<>(
          Arrays.asList(
              "LOG_DETECTOR", "DOG_DETECTOR", "LABEL_IMAGE_DETECTOR", "THRESHOLD_DETECTOR",
              "MASK_DETECTOR", "MANUAL_DETECTOR", "HESSIAN_DETECTOR"));
  private static final Set<String> KNOWN_TRACKERS =
      new HashSet<>(
          Arrays.asList(
              "SPARSE_LAP_TRACKER", "SIMPLE_SPARSE_LAP_TRACKER", "MANUAL_TRACKER", "KALMAN_TRACKER",
              "OVERLAP_TRACKER", "NEAREST_NEIGHBOR_TRACKER"));
  private static final String[] SPOT_REQUIRED = {
    "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "FRAME", "RADIUS", "QUALITY", "VISIBILITY"
  };

  private TrackMateConformance() {}

  static List<String> violations(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    List<String> v = new ArrayList<>();
    Element root = doc.getDocumentElement();
    if (!root.getTagName().equals("TrackMate")) {
      v.add("root is " + root.getTagName());
      return v;
    }
    String version = root.getAttribute("version");
    int[] n = TrackMateXmlReader.versionNumbers(version);
    if (n == null || n[0] < 2 || (n[0] == 2 && n[1] < 1)) {
      v.add("version '" + version + "' is not >= 2.1.0");
    }
    Element model = child(root, "Model", v);
    if (model == null) {
      return v;
    }
    Element decl = child(model, "FeatureDeclarations", v);
    Map<String, Set<String>> declared = new HashMap<>();
    Map<String, Set<String>> intFeatures = new HashMap<>();
    for (String kind : new String[] {"SpotFeatures", "EdgeFeatures", "TrackFeatures"}) {
      declared.put(kind, new HashSet<>());
      intFeatures.put(kind, new HashSet<>());
      Element list = decl == null ? null : child(decl, kind, v);
      if (list == null) {
        continue;
      }
      for (Element fe : children(list, "Feature")) {
        for (String a : new String[] {"feature", "name", "shortname", "dimension", "isint"}) {
          if (!fe.hasAttribute(a)) {
            v.add(kind + " Feature lacks " + a);
          }
        }
        try {
          FeatureDimension.valueOf(fe.getAttribute("dimension"));
        } catch (IllegalArgumentException e) {
          v.add("bad dimension " + fe.getAttribute("dimension"));
        }
        String isint = fe.getAttribute("isint");
        if (!isint.equals("true") && !isint.equals("false")) {
          v.add("bad isint " + isint);
        }
        declared.get(kind).add(fe.getAttribute("feature"));
        if (isint.equals("true")) {
          intFeatures.get(kind).add(fe.getAttribute("feature"));
        }
      }
    }
    for (String need : new String[] {"QUALITY", "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T", "FRAME", "RADIUS", "VISIBILITY"}) {
      if (!declared.get("SpotFeatures").contains(need)) {
        v.add("spot feature " + need + " not declared");
      }
    }
    for (String need : new String[] {"SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LINK_COST"}) {
      if (!declared.get("EdgeFeatures").contains(need)) {
        v.add("edge feature " + need + " not declared");
      }
    }
    for (String need : new String[] {"TRACK_ID", "TRACK_INDEX"}) {
      if (!declared.get("TrackFeatures").contains(need)) {
        v.add("track feature " + need + " not declared");
      }
    }

    Element allSpots = child(model, "AllSpots", v);
    Map<Integer, Integer> frameOfSpot = new HashMap<>();
    Set<Integer> frames = new HashSet<>();
    int maxFrame = -1;
    if (allSpots != null) {
      for (Element sif : children(allSpots, "SpotsInFrame")) {
        int frame = Integer.parseInt(sif.getAttribute("frame"));
        frames.add(frame);
        maxFrame = Math.max(maxFrame, frame);
        for (Element s : children(sif, "Spot")) {
          int id = Integer.parseInt(s.getAttribute("ID"));
          if (frameOfSpot.put(id, frame) != null) {
            v.add("spot ID " + id + " twice");
          }
          for (String a : SPOT_REQUIRED) {
            if (!s.hasAttribute(a)) {
              v.add("spot " + id + " lacks " + a);
            }
          }
          if (!s.getAttribute("VISIBILITY").equals("1") && !s.getAttribute("VISIBILITY").equals("0")) {
            v.add("spot " + id + " VISIBILITY=" + s.getAttribute("VISIBILITY"));
          }
          if (s.hasAttribute("FRAME") && Integer.parseInt(s.getAttribute("FRAME")) != frame) {
            v.add("spot " + id + " FRAME differs from SpotsInFrame");
          }
          checkNumbers(s, "SpotFeatures", declared, intFeatures, v, "ID", "name", "ROI_N_POINTS");
        }
      }
    }
    Element imageData = null;
    Element settings = first(root, "Settings");
    if (settings != null) {
      imageData = child(settings, "ImageData", v);
      for (String need : new String[] {"BasicSettings", "InitialSpotFilter", "SpotFilterCollection", "TrackFilterCollection", "AnalyzerCollection"}) {
        child(settings, need, v);
      }
      Element det = child(settings, "DetectorSettings", v);
      if (det != null && !KNOWN_DETECTORS.contains(det.getAttribute("DETECTOR_NAME"))) {
        v.add("unknown detector " + det.getAttribute("DETECTOR_NAME"));
      }
      Element tr = child(settings, "TrackerSettings", v);
      if (tr != null && !KNOWN_TRACKERS.contains(tr.getAttribute("TRACKER_NAME"))) {
        v.add("unknown tracker " + tr.getAttribute("TRACKER_NAME"));
      }
    }
    int nframes = imageData == null ? maxFrame + 1 : Integer.parseInt(imageData.getAttribute("nframes"));
    for (int fr = 0; fr < Math.max(nframes, maxFrame + 1); fr++) {
      if (!frames.contains(fr)) {
        v.add("no SpotsInFrame for frame " + fr);
      }
    }

    Element allTracks = child(model, "AllTracks", v);
    Set<Integer> trackIds = new HashSet<>();
    Set<Integer> spotsInTracks = new HashSet<>();
    if (allTracks != null) {
      for (Element t : children(allTracks, "Track")) {
        if (!t.hasAttribute("name") || !t.hasAttribute("TRACK_ID")) {
          v.add("Track lacks name or TRACK_ID");
          continue;
        }
        int tid = Integer.parseInt(t.getAttribute("TRACK_ID"));
        if (!trackIds.add(tid)) {
          v.add("TRACK_ID " + tid + " twice");
        }
        checkNumbers(t, "TrackFeatures", declared, intFeatures, v, "name");
        Map<Integer, Integer> parent = new HashMap<>();
        List<Element> edges = children(t, "Edge");
        if (edges.isEmpty()) {
          v.add("track " + tid + " has no edges");
        }
        for (Element e : edges) {
          int s = Integer.parseInt(e.getAttribute("SPOT_SOURCE_ID"));
          int g = Integer.parseInt(e.getAttribute("SPOT_TARGET_ID"));
          if (!frameOfSpot.containsKey(s) || !frameOfSpot.containsKey(g)) {
            v.add("edge " + s + "->" + g + " refers to a missing spot");
            continue;
          }
          if (frameOfSpot.get(s) >= frameOfSpot.get(g)) {
            v.add("edge " + s + "->" + g + " does not go forward in time");
          }
          if (!e.hasAttribute("LINK_COST")) {
            v.add("edge " + s + "->" + g + " lacks LINK_COST");
          }
          checkNumbers(e, "EdgeFeatures", declared, intFeatures, v);
          union(parent, s, g);
        }
        Set<Integer> roots = new HashSet<>();
        for (Integer s : parent.keySet()) {
          roots.add(find(parent, s));
          if (!spotsInTracks.add(s)) {
            v.add("spot " + s + " is in two tracks");
          }
        }
        if (roots.size() > 1) {
          v.add("track " + tid + " is " + roots.size() + " connected components");
        }
      }
    }
    Element filtered = child(model, "FilteredTracks", v);
    if (filtered != null) {
      Set<Integer> listed = new HashSet<>();
      for (Element t : children(filtered, "TrackID")) {
        listed.add(Integer.parseInt(t.getAttribute("TRACK_ID")));
      }
      if (!listed.equals(trackIds)) {
        v.add("FilteredTracks lists " + listed + " but AllTracks has " + trackIds);
      }
    }
    Element gui = first(root, "GUIState");
    if (gui == null || !gui.getAttribute("state").equals("ConfigureViews")) {
      v.add("no GUIState state=ConfigureViews");
    }
    return v;
  }

  private static void checkNumbers(
      Element e,
      String kind,
      Map<String, Set<String>> declared,
      Map<String, Set<String>> ints,
      List<String> v,
      String... exempt) {
    Set<String> skip = new HashSet<>(Arrays.asList(exempt));
    NamedNodeMap attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      String k = attrs.item(i).getNodeName();
      String val = attrs.item(i).getNodeValue();
      if (skip.contains(k)) {
        continue;
      }
      if (!declared.get(kind).contains(k)) {
        v.add(e.getTagName() + " attribute " + k + " is not declared in " + kind);
      }
      try {
        Double.valueOf(val);
      } catch (NumberFormatException ex) {
        v.add(e.getTagName() + " " + k + "=\"" + val + "\" is not a Java double");
      }
      if (val.isEmpty() || val.contains("inf") || val.contains("nan")) {
        v.add(e.getTagName() + " " + k + "=\"" + val + "\"");
      }
      if (ints.get(kind).contains(k) && (k.equals("FRAME") || k.equals("VISIBILITY") || k.endsWith("_ID"))
          && !val.matches("-?\\d+")) {
        v.add(e.getTagName() + " " + k + "=\"" + val + "\" is not written as an integer");
      }
    }
  }

  private static int find(Map<Integer, Integer> parent, int x) {
    while (parent.get(x) != x) {
      x = parent.get(x);
    }
    return x;
  }

  private static void union(Map<Integer, Integer> parent, int a, int b) {
    parent.putIfAbsent(a, a);
    parent.putIfAbsent(b, b);
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent.put(ra, rb);
    }
  }

  private static Element first(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? null : c.get(0);
  }

  private static Element child(Element parent, String name, List<String> v) {
    Element e = first(parent, name);
    if (e == null) {
      v.add("<" + parent.getTagName() + "> lacks <" + name + ">");
    }
    return e;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n.getNodeType() == Node.ELEMENT_NODE && ((Element) n).getTagName().equals(name)) {
        out.add((Element) n);
      }
    }
    return out;
  }
}
