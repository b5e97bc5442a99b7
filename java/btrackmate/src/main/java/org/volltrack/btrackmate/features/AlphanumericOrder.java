package org.volltrack.btrackmate.features;

import java.util.Comparator;

/**
 * Natural ("alphanumeric") string order: runs of digits compare as numbers, so {@code Track_2}
 * sorts before {@code Track_10}. TrackMate's TRACK_INDEX is the rank of a track's name in this
 * order.
 */
final class AlphanumericOrder implements Comparator<String> {

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ei = chunkEnd(a, i);
      int ej = chunkEnd(b, j);
      String ca = a.substring(i, ei);
      String cb = b.substring(j, ej);
      int c;
      if (Character.isDigit(ca.charAt(0)) && Character.isDigit(cb.charAt(0))) {
        String na = stripZeros(ca);
        String nb = stripZeros(cb);
        c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
      } else {
        c = ca.compareTo(cb);
      }
      if (c != 0) {
        return c;
      }
      i = ei;
      j = ej;
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int chunkEnd(String s, int start) {
    boolean digit = Character.isDigit(s.charAt(start));
    int k = start + 1;
    while (k < s.length() && Character.isDigit(s.charAt(k)) == digit) {
      k++;
    }
    return k;
  }

  private static String stripZeros(String digits) {
    int k = 0;
    while (k < digits.length() - 1 && digits.charAt(k) == '0') {
      k++;
    }
    return digits.substring(k);
  }
}
