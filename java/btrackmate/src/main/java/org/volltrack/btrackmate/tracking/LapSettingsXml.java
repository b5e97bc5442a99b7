package org.volltrack.btrackmate.tracking;

import java.util.LinkedHashMap;
import java.util.Map;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads and writes TrackMate's {@code <TrackerSettings>} element for the LAP trackers (spec §2.7):
 *
 * <pre>
 * &lt;TrackerSettings TRACKER_NAME="SPARSE_LAP_TRACKER" CUTOFF_PERCENTILE="0.9"
 *                  ALTERNATIVE_LINKING_COST_FACTOR="1.05" BLOCKING_VALUE="Infinity"&gt;
 *   &lt;Linking LINKING_MAX_DISTANCE="15.0"&gt;&lt;FeaturePenalties /&gt;&lt;/Linking&gt;
 *   &lt;GapClosing ALLOW_GAP_CLOSING="true" GAP_CLOSING_MAX_DISTANCE="15.0" MAX_FRAME_GAP="2"&gt;
 *     &lt;FeaturePenalties /&gt;&lt;/GapClosing&gt;
 *   &lt;TrackSplitting ALLOW_TRACK_SPLITTING="false" SPLITTING_MAX_DISTANCE="15.0"&gt;
 *     &lt;FeaturePenalties /&gt;&lt;/TrackSplitting&gt;
 *   &lt;TrackMerging ALLOW_TRACK_MERGING="false" MERGING_MAX_DISTANCE="15.0"&gt;
 *     &lt;FeaturePenalties /&gt;&lt;/TrackMerging&gt;
 * &lt;/TrackerSettings&gt;
 * </pre>
 *
 * <p>Doubles are written with Java's {@code Double.toString} ({@code 15.0}, {@code Infinity}),
 * {@code MAX_FRAME_GAP} as an integer, booleans as {@code true}/{@code false}; a penalty is an
 * attribute {@code FEATURE="weight"} of {@code FeaturePenalties}. The BTrackmate extension {@link
 * LapSettings#singletonGapClosing()} is not part of this element (it is not a TrackMate key) and is
 * neither written nor read here.
 */
public final class LapSettingsXml {

  /** The element name. */
  public static final String ELEMENT = "TrackerSettings";
  /** The attribute holding the tracker key. */
  public static final String TRACKER_NAME_ATTRIBUTE = "TRACKER_NAME";

  public static final String LINKING_ELEMENT = "Linking";
  public static final String GAP_CLOSING_ELEMENT = "GapClosing";
  public static final String SPLITTING_ELEMENT = "TrackSplitting";
  public static final String MERGING_ELEMENT = "TrackMerging";
  public static final String FEATURE_PENALTIES_ELEMENT = "FeaturePenalties";

  private LapSettingsXml() {}

  /** The tracker key of a {@code TrackerSettings} element ({@code TRACKER_NAME}), or {@code null}. */
  public static String trackerKey(Element trackerSettings) {
    return trackerSettings.hasAttribute(TRACKER_NAME_ATTRIBUTE)
        ? trackerSettings.getAttribute(TRACKER_NAME_ATTRIBUTE)
        : null;
  }

  /** True when the element is a LAP tracker's settings this class can read. */
  public static boolean isLapTracker(Element trackerSettings) {
    String key = trackerKey(trackerSettings);
    return LapSettings.TRACKER_KEY.equals(key) || LapSettings.SIMPLE_TRACKER_KEY.equals(key);
  }

  /**
   * Reads LAP settings from a {@code <TrackerSettings>} element whose {@code TRACKER_NAME} is
   * {@code SPARSE_LAP_TRACKER} or {@code SIMPLE_SPARSE_LAP_TRACKER} (same settings map; the simple
   * variant is read as stored). Unknown attributes are ignored, as TrackMate does.
   *
   * <p>Stricter than TrackMate, which logs an error and substitutes the defaults: a missing
   * attribute or sub-element, or an invalid value, throws. A caller that wants TrackMate's
   * leniency catches the exception and uses {@link LapSettings#defaults()}.
   *
   * @throws IllegalArgumentException for another tracker key, a missing element or attribute, or
   *     a value that is malformed or out of range; the message names the element and attribute
   */
  public static LapSettings read(Element trackerSettings) {
    if (!ELEMENT.equals(trackerSettings.getTagName())) {
      throw new IllegalArgumentException(
          "expected a <" + ELEMENT + "> element, got <" + trackerSettings.getTagName() + ">");
    }
    String key = trackerKey(trackerSettings);
    if (!isLapTracker(trackerSettings)) {
      throw new IllegalArgumentException(
          "<"
              + ELEMENT
              + "> has "
              + TRACKER_NAME_ATTRIBUTE
              + "="
              + (key == null ? "(missing)" : "\"" + key + "\"")
              + "; BTrackmate reads only the LAP trackers "
              + LapSettings.TRACKER_KEY
              + " and "
              + LapSettings.SIMPLE_TRACKER_KEY);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(LapSettings.CUTOFF_PERCENTILE, attribute(trackerSettings, LapSettings.CUTOFF_PERCENTILE));
    m.put(
        LapSettings.ALTERNATIVE_LINKING_COST_FACTOR,
        attribute(trackerSettings, LapSettings.ALTERNATIVE_LINKING_COST_FACTOR));
    m.put(LapSettings.BLOCKING_VALUE, attribute(trackerSettings, LapSettings.BLOCKING_VALUE));
    if (trackerSettings.hasAttribute(LapSettings.KALMAN_SEARCH_RADIUS)) {
      m.put(
          LapSettings.KALMAN_SEARCH_RADIUS,
          trackerSettings.getAttribute(LapSettings.KALMAN_SEARCH_RADIUS));
    }

    Element linking = child(trackerSettings, LINKING_ELEMENT);
    m.put(LapSettings.LINKING_MAX_DISTANCE, attribute(linking, LapSettings.LINKING_MAX_DISTANCE));
    m.put(LapSettings.LINKING_FEATURE_PENALTIES, penalties(linking));

    Element gap = child(trackerSettings, GAP_CLOSING_ELEMENT);
    m.put(LapSettings.ALLOW_GAP_CLOSING, attribute(gap, LapSettings.ALLOW_GAP_CLOSING));
    m.put(LapSettings.GAP_CLOSING_MAX_DISTANCE, attribute(gap, LapSettings.GAP_CLOSING_MAX_DISTANCE));
    m.put(LapSettings.MAX_FRAME_GAP, attribute(gap, LapSettings.MAX_FRAME_GAP));
    m.put(LapSettings.GAP_CLOSING_FEATURE_PENALTIES, penalties(gap));

    Element split = child(trackerSettings, SPLITTING_ELEMENT);
    m.put(LapSettings.ALLOW_TRACK_SPLITTING, attribute(split, LapSettings.ALLOW_TRACK_SPLITTING));
    m.put(LapSettings.SPLITTING_MAX_DISTANCE, attribute(split, LapSettings.SPLITTING_MAX_DISTANCE));
    m.put(LapSettings.SPLITTING_FEATURE_PENALTIES, penalties(split));

    Element merge = child(trackerSettings, MERGING_ELEMENT);
    m.put(LapSettings.ALLOW_TRACK_MERGING, attribute(merge, LapSettings.ALLOW_TRACK_MERGING));
    m.put(LapSettings.MERGING_MAX_DISTANCE, attribute(merge, LapSettings.MERGING_MAX_DISTANCE));
    m.put(LapSettings.MERGING_FEATURE_PENALTIES, penalties(merge));

    try {
      return LapSettings.fromMap(m);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("<" + ELEMENT + ">: " + e.getMessage(), e);
    }
  }

  /** Writes the settings as a {@code SPARSE_LAP_TRACKER} element of {@code doc} (not attached). */
  public static Element write(Document doc, LapSettings settings) {
    return write(doc, settings, LapSettings.TRACKER_KEY);
  }

  /**
   * Writes the settings as a {@code <TrackerSettings>} element of {@code doc} (not attached), with
   * the given tracker key ({@code SPARSE_LAP_TRACKER} or {@code SIMPLE_SPARSE_LAP_TRACKER}). Like
   * TrackMate's LAP tracker factories, it does not write {@code KALMAN_SEARCH_RADIUS} (unused by
   * the LAP tracker); {@link #read} accepts it as a {@code TrackerSettings} attribute.
   */
  public static Element write(Document doc, LapSettings settings, String trackerKey) {
    if (!LapSettings.TRACKER_KEY.equals(trackerKey)
        && !LapSettings.SIMPLE_TRACKER_KEY.equals(trackerKey)) {
      throw new IllegalArgumentException(
          "tracker key must be "
              + LapSettings.TRACKER_KEY
              + " or "
              + LapSettings.SIMPLE_TRACKER_KEY
              + ", got "
              + trackerKey);
    }
    Element root = doc.createElement(ELEMENT);
    root.setAttribute(TRACKER_NAME_ATTRIBUTE, trackerKey);
    root.setAttribute(LapSettings.CUTOFF_PERCENTILE, Double.toString(settings.cutoffPercentile()));
    root.setAttribute(
        LapSettings.ALTERNATIVE_LINKING_COST_FACTOR,
        Double.toString(settings.alternativeLinkingCostFactor()));
    root.setAttribute(LapSettings.BLOCKING_VALUE, Double.toString(settings.blockingValue()));

    Element linking = doc.createElement(LINKING_ELEMENT);
    linking.setAttribute(
        LapSettings.LINKING_MAX_DISTANCE, Double.toString(settings.linkingMaxDistance()));
    linking.appendChild(penaltiesElement(doc, settings.linkingFeaturePenalties()));
    root.appendChild(linking);

    Element gap = doc.createElement(GAP_CLOSING_ELEMENT);
    gap.setAttribute(LapSettings.ALLOW_GAP_CLOSING, Boolean.toString(settings.allowGapClosing()));
    gap.setAttribute(
        LapSettings.GAP_CLOSING_MAX_DISTANCE, Double.toString(settings.gapClosingMaxDistance()));
    gap.setAttribute(LapSettings.MAX_FRAME_GAP, Integer.toString(settings.maxFrameGap()));
    gap.appendChild(penaltiesElement(doc, settings.gapClosingFeaturePenalties()));
    root.appendChild(gap);

    Element split = doc.createElement(SPLITTING_ELEMENT);
    split.setAttribute(
        LapSettings.ALLOW_TRACK_SPLITTING, Boolean.toString(settings.allowTrackSplitting()));
    split.setAttribute(
        LapSettings.SPLITTING_MAX_DISTANCE, Double.toString(settings.splittingMaxDistance()));
    split.appendChild(penaltiesElement(doc, settings.splittingFeaturePenalties()));
    root.appendChild(split);

    Element merge = doc.createElement(MERGING_ELEMENT);
    merge.setAttribute(
        LapSettings.ALLOW_TRACK_MERGING, Boolean.toString(settings.allowTrackMerging()));
    merge.setAttribute(
        LapSettings.MERGING_MAX_DISTANCE, Double.toString(settings.mergingMaxDistance()));
    merge.appendChild(penaltiesElement(doc, settings.mergingFeaturePenalties()));
    root.appendChild(merge);
    return root;
  }

  private static Element penaltiesElement(Document doc, Map<String, Double> penalties) {
    Element e = doc.createElement(FEATURE_PENALTIES_ELEMENT);
    for (Map.Entry<String, Double> p : penalties.entrySet()) {
      e.setAttribute(p.getKey(), Double.toString(p.getValue()));
    }
    return e;
  }

  private static String attribute(Element e, String name) {
    if (!e.hasAttribute(name)) {
      throw new IllegalArgumentException(
          "<" + ELEMENT + ">: element <" + e.getTagName() + "> lacks the attribute " + name);
    }
    return e.getAttribute(name);
  }

  private static Element child(Element parent, String name) {
    Element found = null;
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n.getNodeType() == Node.ELEMENT_NODE && name.equals(((Element) n).getTagName())) {
        if (found != null) {
          throw new IllegalArgumentException(
              "<" + ELEMENT + ">: more than one <" + name + "> element");
        }
        found = (Element) n;
      }
    }
    if (found == null) {
      throw new IllegalArgumentException(
          "<" + ELEMENT + ">: the required element <" + name + "> is missing");
    }
    return found;
  }

  /** The FeaturePenalties of a sub-element: empty when the element is absent (TrackMate: lenient). */
  private static Map<String, Double> penalties(Element parent) {
    Map<String, Double> out = new LinkedHashMap<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n.getNodeType() == Node.ELEMENT_NODE
          && FEATURE_PENALTIES_ELEMENT.equals(((Element) n).getTagName())) {
        NamedNodeMap attrs = n.getAttributes();
        for (int a = 0; a < attrs.getLength(); a++) {
          Attr attr = (Attr) attrs.item(a);
          String where =
              "<" + parent.getTagName() + "><" + FEATURE_PENALTIES_ELEMENT + "> " + attr.getName();
          out.put(attr.getName(), SettingValues.toDouble(where, attr.getValue()));
        }
      }
    }
    return out;
  }
}
