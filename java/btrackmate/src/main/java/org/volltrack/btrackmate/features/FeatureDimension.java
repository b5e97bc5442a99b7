package org.volltrack.btrackmate.features;

/**
 * The physical dimension of a feature, as TrackMate declares it ({@code Feature@dimension}). The
 * names are saved in the XML and TrackMate's reader accepts exactly these.
 */
public enum FeatureDimension {
  NONE,
  QUALITY,
  COST,
  INTENSITY,
  INTENSITY_SQUARED,
  POSITION,
  VELOCITY,
  LENGTH,
  AREA,
  TIME,
  ANGLE,
  RATE,
  ANGLE_RATE,
  STRING
}
