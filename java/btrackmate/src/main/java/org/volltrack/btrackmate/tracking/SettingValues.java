package org.volltrack.btrackmate.tracking;

import java.util.LinkedHashMap;
import java.util.Map;

/** Conversion and range checks for LAP setting values; every message names the key. */
final class SettingValues {

  private SettingValues() {}

  static double checkDistance(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(key + " must be a finite number >= 0, got " + value);
    }
    return value;
  }

  static void replacePenalties(String key, Map<String, Double> into, Map<String, Double> from) {
    if (from == null) {
      throw new IllegalArgumentException(key + " must be a map of feature to weight, got null");
    }
    Map<String, Double> checked = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : from.entrySet()) {
      String feature = e.getKey();
      Double w = e.getValue();
      if (feature == null || feature.trim().isEmpty()) {
        throw new IllegalArgumentException(key + ": a feature name must not be empty");
      }
      if (w == null || !(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(
            key + ": the weight of feature '" + feature + "' must be a finite number >= 0, got " + w);
      }
      checked.put(feature.trim(), w);
    }
    into.clear();
    into.putAll(checked);
  }

  static double toDouble(String key, Object v) {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof String) {
      String s = ((String) v).trim();
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a number, got '" + v + "'", e);
      }
    }
    throw new IllegalArgumentException(key + " must be a number, got " + describe(v));
  }

  static int toInt(String key, Object v) {
    double d;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      long l = ((Number) v).longValue();
      if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(key + " must be an integer, got " + v);
      }
      return (int) l;
    }
    if (v instanceof String) {
      String s = ((String) v).trim();
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        try {
          d = Double.parseDouble(s);
        } catch (NumberFormatException e2) {
          throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e2);
        }
      }
    } else if (v instanceof Number) {
      d = ((Number) v).doubleValue();
    } else {
      throw new IllegalArgumentException(key + " must be an integer, got " + describe(v));
    }
    // JSON readers give 2.0 for 2: accept integral values only.
    if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + " must be an integer, got " + v);
    }
    return (int) d;
  }

  static boolean toBoolean(String key, Object v) {
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if (v instanceof String) {
      String s = ((String) v).trim();
      if (s.equalsIgnoreCase("true")) {
        return true;
      }
      if (s.equalsIgnoreCase("false")) {
        return false;
      }
    }
    throw new IllegalArgumentException(key + " must be true or false, got " + describe(v));
  }

  /**
   * A penalty map from a Map (values Number or numeric String) or a string {@code F=w,G=w} (empty
   * for none).
   */
  static Map<String, Double> toPenalties(String key, Object v) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (v instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException(
              key + ": feature names must be strings, got " + describe(e.getKey()));
        }
        String feature = (String) e.getKey();
        out.put(feature, toDouble(key + "[" + feature + "]", e.getValue()));
      }
      return out;
    }
    if (v instanceof String) {
      String s = ((String) v).trim();
      if (s.isEmpty() || s.equals("{}")) {
        return out;
      }
      if (s.startsWith("{") && s.endsWith("}")) {
        s = s.substring(1, s.length() - 1);
      }
      for (String part : s.split(",")) {
        String p = part.trim();
        int eq = p.indexOf('=');
        if (eq < 0) {
          eq = p.indexOf(':');
        }
        if (eq <= 0) {
          throw new IllegalArgumentException(
              key + " must be written FEATURE=weight[,FEATURE=weight...], got '" + v + "'");
        }
        String feature = unquote(p.substring(0, eq).trim());
        out.put(feature, toDouble(key + "[" + feature + "]", p.substring(eq + 1).trim()));
      }
      return out;
    }
    throw new IllegalArgumentException(
        key + " must be a map of feature to weight, got " + describe(v));
  }

  private static String unquote(String s) {
    if (s.length() >= 2
        && (s.charAt(0) == '"' || s.charAt(0) == '\'')
        && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    return v instanceof String ? "'" + v + "'" : v.getClass().getSimpleName() + " " + v;
  }
}
