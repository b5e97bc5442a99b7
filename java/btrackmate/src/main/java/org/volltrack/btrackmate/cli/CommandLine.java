package org.volltrack.btrackmate.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.volltrack.btrackmate.filter.RoiBox;
import org.volltrack.btrackmate.io.BadInputException;
import org.volltrack.btrackmate.io.VoxelSize;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.settings.TrackerMap;

/**
 * The parsed command line: what each flag said, nothing read from files yet. Every value is
 * checked while parsing; a bad flag is a {@link BadInputException} whose source is the flag, e.g.
 * {@code --LINKING_MAX_DISTANCE: must be a number, got 'ten'}.
 *
 * <p>Syntax: {@code --name value} or {@code --name=value} (one-value flags); TrackMate's tracker
 * keys as {@code --LINKING_MAX_DISTANCE 10} or in lower case with dashes ({@code
 * --linking-max-distance 10}).
 */
final class CommandLine {

  Path cells;
  Path labels;
  Path raw;
  Path mask;
  Path xml;
  Path out;
  Path settingsFile;
  Path trackerSettingsFile;
  Path saveSettings;
  VoxelSize voxelSize;
  Double timeInterval;
  Integer minTrackletLength;
  boolean noTracking;
  /** Tracker key → the flag's value text, in the order given (a later flag wins). */
  final Map<String, String> tracker = new LinkedHashMap<>();
  final List<FeatureFilter> filters = new ArrayList<>();
  RoiBox roi;
  boolean centroidInTissue;
  Integer threads;
  boolean quiet;
  boolean help;
  boolean version;

  private CommandLine() {}

  /** True when a flag names an input (so the settings file's input is replaced). */
  boolean hasInputFlag() {
    return cells != null || labels != null || xml != null;
  }

  /**
   * Parses the arguments.
   *
   * @throws BadInputException on an unknown flag, a missing or bad value
   */
  static CommandLine parse(String[] args) {
    CommandLine c = new CommandLine();
    int i = 0;
    while (i < args.length) {
      String arg = args[i++];
      String name = arg;
      String inline = null;
      if (arg.startsWith("--") && arg.indexOf('=') > 2) {
        name = arg.substring(0, arg.indexOf('='));
        inline = arg.substring(arg.indexOf('=') + 1);
      }
      if (!name.startsWith("--")) {
        throw new BadInputException(
            "command line", "", "unexpected argument '" + arg + "'; every option starts with --, see --help");
      }
      int arity = arity(name);
      if (arity < 0) {
        throw new BadInputException(name, "", "unknown option; see --help for the options");
      }
      List<String> values = new ArrayList<>();
      if (inline != null) {
        if (arity != 1) {
          throw new BadInputException(
              name, "", arity == 0 ? "takes no value" : "takes " + arity + " values; write them after the option, separated by spaces");
        }
        values.add(inline);
      } else {
        for (int k = 0; k < arity; k++) {
          if (i >= args.length || args[i].startsWith("--")) {
            throw new BadInputException(
                name, "", "expected " + arity + (arity == 1 ? " value" : " values") + " after the option, got " + values.size());
          }
          values.add(args[i++]);
        }
      }
      c.apply(name, values);
    }
    return c;
  }

  /** The TrackMate key a flag names ({@code --LINKING_MAX_DISTANCE}, {@code --linking-max-distance}), or null. */
  static String trackerKey(String flag) {
    String k = flag.substring(2);
    if (TrackerMap.knownKeys().contains(k)) {
      return k;
    }
    String upper = k.toUpperCase(Locale.ROOT).replace('-', '_');
    if (k.equals(upper.toLowerCase(Locale.ROOT).replace('_', '-')) && TrackerMap.knownKeys().contains(upper)) {
      return upper;
    }
    return null;
  }

  private static int arity(String name) {
    if (trackerKey(name) != null) {
      return 1;
    }
    switch (name) {
      case "--help":
      case "--version":
      case "--quiet":
      case "--centroid-in-tissue":
      case "--no-tracking":
        return 0;
      case "--cells":
      case "--labels":
      case "--raw":
      case "--mask":
      case "--xml":
      case "--out":
      case "--settings":
      case "--tracker-settings":
      case "--save-settings":
      case "--time-interval":
      case "--min-tracklet-length":
      case "--filter":
      case "--inside-tissue":
      case "--min-volume":
      case "--max-volume":
      case "--min-mean-intensity":
      case "--max-mean-intensity":
      case "--threads":
        return 1;
      case "--voxel-size":
        return 3;
      case "--roi":
        return 6;
      default:
        return -1;
    }
  }

  private void apply(String name, List<String> v) {
    String key = trackerKey(name);
    if (key != null) {
      try {
        TrackerMap.normalize(Collections.singletonMap(key, v.get(0)));
      } catch (IllegalArgumentException e) {
        String msg = e.getMessage();
        throw new BadInputException(name, "", msg.startsWith(key + " ") ? msg.substring(key.length() + 1) : msg);
      }
      tracker.remove(key);
      tracker.put(key, v.get(0));
      return;
    }
    switch (name) {
      case "--help":
        help = true;
        break;
      case "--version":
        version = true;
        break;
      case "--quiet":
        quiet = true;
        break;
      case "--centroid-in-tissue":
        centroidInTissue = true;
        break;
      case "--no-tracking":
        noTracking = true;
        break;
      case "--cells":
        cells = path(name, v.get(0));
        break;
      case "--labels":
        labels = path(name, v.get(0));
        break;
      case "--raw":
        raw = path(name, v.get(0));
        break;
      case "--mask":
        mask = path(name, v.get(0));
        break;
      case "--xml":
        xml = path(name, v.get(0));
        break;
      case "--out":
        out = path(name, v.get(0));
        break;
      case "--settings":
        settingsFile = path(name, v.get(0));
        break;
      case "--tracker-settings":
        trackerSettingsFile = path(name, v.get(0));
        break;
      case "--save-settings":
        saveSettings = path(name, v.get(0));
        break;
      case "--time-interval":
        timeInterval = positive(name, v.get(0));
        break;
      case "--min-tracklet-length":
        minTrackletLength = nonNegativeInt(name, v.get(0));
        break;
      case "--threads":
        threads = nonNegativeInt(name, v.get(0));
        if (threads < 1) {
          throw new BadInputException(name, "", "expected an integer >= 1, got '" + v.get(0) + "'");
        }
        break;
      case "--voxel-size":
        voxelSize = VoxelSize.zyx(positive(name, v.get(0)), positive(name, v.get(1)), positive(name, v.get(2)));
        break;
      case "--roi":
        roi = roi(name, v);
        break;
      case "--filter":
        filters.add(featureFilter(name, v.get(0)));
        break;
      case "--inside-tissue":
        double f = number(name, v.get(0));
        if (!(f >= 0 && f <= 1)) {
          throw new BadInputException(name, "", "expected a fraction in [0, 1], got '" + v.get(0) + "'");
        }
        filters.add(FeatureFilter.minInsideTissue(f));
        break;
      case "--min-volume":
        filters.add(FeatureFilter.minVolume(number(name, v.get(0))));
        break;
      case "--max-volume":
        filters.add(FeatureFilter.maxVolume(number(name, v.get(0))));
        break;
      case "--min-mean-intensity":
        filters.add(FeatureFilter.minMeanIntensity(1, number(name, v.get(0))));
        break;
      case "--max-mean-intensity":
        filters.add(FeatureFilter.maxMeanIntensity(1, number(name, v.get(0))));
        break;
      default:
        throw new IllegalStateException("option without handler: " + name);
    }
  }

  private static Path path(String flag, String s) {
    if (s.isEmpty()) {
      throw new BadInputException(flag, "", "expected a file path, got an empty string");
    }
    try {
      return Paths.get(s).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new BadInputException(flag, "", "not a valid path: " + e.getMessage());
    }
  }

  /** A finite number, in Java or Python spelling of decimals ({@code 1}, {@code -2.5}, {@code 1e3}). */
  private static double number(String flag, String s) {
    double d;
    try {
      d = Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new BadInputException(flag, "", "expected a number, got '" + s + "'");
    }
    if (!Double.isFinite(d)) {
      throw new BadInputException(flag, "", "expected a finite number, got '" + s + "'");
    }
    return d;
  }

  private static double positive(String flag, String s) {
    double d = number(flag, s);
    if (!(d > 0)) {
      throw new BadInputException(flag, "", "expected a number > 0, got '" + s + "'");
    }
    return d;
  }

  private static int nonNegativeInt(String flag, String s) {
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadInputException(flag, "", "expected an integer >= 0, got '" + s + "'");
  }

  private static RoiBox roi(String flag, List<String> v) {
    double[] b = new double[6];
    for (int k = 0; k < 6; k++) {
      try {
        b[k] = Double.parseDouble(v.get(k).trim());
      } catch (NumberFormatException e) {
        throw new BadInputException(flag, "", "expected six numbers xmin xmax ymin ymax zmin zmax, got '" + v.get(k) + "'");
      }
      if (Double.isNaN(b[k])) {
        throw new BadInputException(flag, "", "a bound is NaN; use -Infinity or Infinity for an open side");
      }
    }
    try {
      return new RoiBox(b[0], b[1], b[2], b[3], b[4], b[5]);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(flag, "", e.getMessage());
    }
  }

  /** {@code FEATURE>=VALUE} or {@code FEATURE<=VALUE}. */
  static FeatureFilter featureFilter(String flag, String s) {
    int ge = s.indexOf(">=");
    int le = s.indexOf("<=");
    int at = ge >= 0 ? ge : le;
    if ((ge >= 0) == (le >= 0) || at <= 0) {
      throw new BadInputException(flag, "", "expected FEATURE>=VALUE or FEATURE<=VALUE, got '" + s + "'");
    }
    String feature = s.substring(0, at).trim();
    if (!feature.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new BadInputException(flag, "", "expected a feature key such as VOLUME or MEAN_INTENSITY_CH1, got '" + feature + "'");
    }
    return new FeatureFilter(feature, number(flag, s.substring(at + 2)), ge >= 0);
  }
}
