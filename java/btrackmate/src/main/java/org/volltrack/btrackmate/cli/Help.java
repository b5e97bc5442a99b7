package org.volltrack.btrackmate.cli;

import java.util.Map;
import org.volltrack.btrackmate.tracking.LapSettings;

/** The text of {@code --help}. */
final class Help {

  private Help() {}

  static String text() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: java -jar btrackmate.jar INPUT --out tracks.xml [OPTIONS]\n")
        .append("\n")
        .append("Tracks cells with TrackMate's LAP tracker (same links as TrackMate) and writes a\n")
        .append("TrackMate XML file that Fiji's TrackMate and TrackScheme open.\n")
        .append("\n")
        .append("Input (one of them, or the input of --settings):\n")
        .append("  --cells FILE            cells.csv: one row per cell per frame; columns frame, x, y, z\n")
        .append("                          (physical units; z may be absent for 2D), optional id, radius,\n")
        .append("                          quality, label, volume, mean_intensity, ...; TrackMate/pandas\n")
        .append("                          names (POSITION_X, FRAME, ID, an unnamed index column) accepted\n")
        .append("  --labels FILE           label image (TZYX or ZYX integer TIFF); cells are measured per label\n")
        .append("  --raw FILE              raw image for intensity features (with --labels)\n")
        .append("  --mask FILE             tissue mask (ZYX or TZYX), for INSIDE_TISSUE and --centroid-in-tissue\n")
        .append("  --xml FILE              an existing TrackMate XML file: re-track, re-filter or re-prune its\n")
        .append("                          spots; its TrackerSettings are the defaults, its calibration,\n")
        .append("                          image and spot filters are kept\n")
        .append("  --no-tracking           with --xml: keep the file's links (only filter and prune)\n")
        .append("\n")
        .append("Output:\n")
        .append("  --out FILE              the TrackMate XML to write (required; written atomically)\n")
        .append("  --save-settings FILE    also write the effective settings as JSON (for --settings)\n")
        .append("\n")
        .append("Calibration:\n")
        .append("  --voxel-size Z Y X      voxel size (physical units), overrides the image calibration;\n")
        .append("                          with --cells or --xml only the written calibration changes\n")
        .append("                          (positions are physical already)\n")
        .append("  --time-interval S       time between frames, overrides the calibration (default 1)\n")
        .append("\n")
        .append("Settings (later sources win: defaults < --settings < --tracker-settings < flags):\n")
        .append("  --settings FILE         settings JSON (as written by --save-settings)\n")
        .append("  --tracker-settings FILE take the LAP TrackerSettings of an existing TrackMate XML\n")
        .append("  --min-tracklet-length N prune terminal post-division branches shorter than N frames\n")
        .append("                          (0 = off; BTrackMate's TRACKLET_LENGTH L is N = L + 1)\n")
        .append("\n")
        .append("Tracker (TrackMate's LAP keys; also written in lower case with dashes, e.g.\n")
        .append("--linking-max-distance 10); TrackMate's default in brackets:\n");
    Map<String, Object> defaults = LapSettings.defaults().toMap();
    for (String key : LapSettings.TRACKMATE_KEYS) {
      sb.append(line(key, defaults.get(key)));
    }
    sb.append(line(LapSettings.SINGLETON_GAP_CLOSING, defaults.get(LapSettings.SINGLETON_GAP_CLOSING)))
        .append("                                        (BTrackmate extension: spots left unlinked by\n")
        .append("                                        frame-to-frame linking take part in gap closing)\n")
        .append("  Values: numbers (Infinity allowed), true/false, and penalties as\n")
        .append("  FEATURE=weight[,FEATURE=weight], e.g. --LINKING_FEATURE_PENALTIES MEAN_INTENSITY_CH1=1.0\n")
        .append("\n")
        .append("Filters (filtered cells stay in the file, invisible, and are not tracked):\n")
        .append("  --filter F>=V | F<=V    keep cells whose feature F is >= V (<= V); repeatable\n")
        .append("  --min-volume V          same as --filter VOLUME>=V\n")
        .append("  --max-volume V          same as --filter VOLUME<=V\n")
        .append("  --min-mean-intensity V  same as --filter MEAN_INTENSITY_CH1>=V\n")
        .append("  --max-mean-intensity V  same as --filter MEAN_INTENSITY_CH1<=V\n")
        .append("  --inside-tissue F       same as --filter INSIDE_TISSUE>=F (fraction of the cell in the mask)\n")
        .append("  --centroid-in-tissue    keep cells whose centroid lies in the tissue mask (needs --mask)\n")
        .append("  --roi XMIN XMAX YMIN YMAX ZMIN ZMAX\n")
        .append("                          keep cells whose position is in this box (physical units;\n")
        .append("                          -Infinity/Infinity for an open side)\n")
        .append("\n")
        .append("Other:\n")
        .append("  --threads N             tracking threads (default: all processors; results do not depend on it)\n")
        .append("  --quiet                 no progress on stderr\n")
        .append("  --help                  this text\n")
        .append("  --version               the version\n")
        .append("\n")
        .append("Options take their values after a space or '=' (--out=tracks.xml).\n")
        .append("Exit status: 0 success; 2 bad input or option (one line on stderr, no output written);\n")
        .append("1 internal error.\n");
    return sb.toString();
  }

  private static String line(String key, Object def) {
    String flag = "  --" + key + " V";
    StringBuilder sb = new StringBuilder(flag);
    do {
      sb.append(' ');
    } while (sb.length() < 40);
    String d = def instanceof Map ? (((Map<?, ?>) def).isEmpty() ? "none" : def.toString()) : String.valueOf(def);
    if (def == null) {
      d = "unset";
    }
    return sb.append('[').append(d).append("]\n").toString();
  }
}
