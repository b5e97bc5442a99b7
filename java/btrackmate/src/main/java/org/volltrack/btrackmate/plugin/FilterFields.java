package org.volltrack.btrackmate.plugin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.volltrack.btrackmate.model.FeatureFilter;
import org.volltrack.btrackmate.filter.FilterSettings;
import org.volltrack.btrackmate.filter.RoiBox;

/**
 * The spot filters as dialog fields: tissue (centroid in the mask, or a minimum fraction inside),
 * an ROI box in physical units, volume and mean-intensity bounds. An empty field is no filter.
 * Filtered cells stay in the XML, invisible (TrackMate's VISIBILITY 0), and are not tracked.
 */
final class FilterFields {

  private FilterFields() {}

  static final String CENTROID_IN_TISSUE = "centroid_in_tissue";
  static final String MIN_INSIDE_TISSUE = "min_inside_tissue";
  static final String[] ROI = {"roi_x_min", "roi_x_max", "roi_y_min", "roi_y_max", "roi_z_min", "roi_z_max"};
  static final String MIN_VOLUME = "min_volume";
  static final String MAX_VOLUME = "max_volume";
  static final String MIN_MEAN_INTENSITY = "min_mean_intensity";
  static final String MAX_MEAN_INTENSITY = "max_mean_intensity";
  static final String INTENSITY_CHANNEL = "intensity_channel";

  /** The filter fields, in dialog order. */
  static final List<Field> FILTERS;

  static {
    List<Field> f = new ArrayList<>();
    f.add(Field.checkbox("Centroid_in_tissue", false, "keep cells whose centroid lies in the tissue mask (needs mask)")
        .under("Filters (empty: off; filtered cells stay in the XML, invisible, untracked)"));
    f.add(Field.number("Min_inside_tissue (fraction)", "",
        "keep cells with at least this fraction (0-1) of their voxels in the tissue (INSIDE_TISSUE >= value)")
        .onSameRow());
    String[] axes = {"x", "x", "y", "y", "z", "z"};
    for (int i = 0; i < ROI.length; i++) {
      String bound = i % 2 == 0 ? "lower" : "upper";
      Field roi = Field.number(Character.toUpperCase(ROI[i].charAt(0)) + ROI[i].substring(1), "",
          "ROI box: " + bound + " bound along " + axes[i] + ", physical units, inclusive; empty: open");
      f.add(i % 2 == 0 ? roi : roi.onSameRow());
    }
    f.add(Field.number("Min_volume", "", "keep cells with VOLUME >= value (physical units cubed)"));
    f.add(Field.number("Max_volume", "", "keep cells with VOLUME <= value").onSameRow());
    f.add(Field.number("Min_mean_intensity", "", "keep cells with MEAN_INTENSITY_CH<c> >= value"));
    f.add(Field.number("Max_mean_intensity", "", "keep cells with MEAN_INTENSITY_CH<c> <= value").onSameRow());
    f.add(Field.number("Intensity_channel", "1", "the channel c of the intensity bounds (from 1)").onSameRow());
    FILTERS = Collections.unmodifiableList(f);
  }

  /** The filter settings for the fields' values. */
  static FilterSettings filters(Values v) {
    List<FeatureFilter> features = new ArrayList<>();
    Double minInside = v.optionalNumber(MIN_INSIDE_TISSUE);
    if (minInside != null) {
      if (minInside < 0 || minInside > 1) {
        throw Values.bad(MIN_INSIDE_TISSUE, "expected a fraction in [0, 1], got " + v.text(MIN_INSIDE_TISSUE));
      }
      features.add(FeatureFilter.minInsideTissue(minInside));
    }
    Double minVolume = v.optionalNumber(MIN_VOLUME);
    if (minVolume != null) {
      features.add(FeatureFilter.minVolume(minVolume));
    }
    Double maxVolume = v.optionalNumber(MAX_VOLUME);
    if (maxVolume != null) {
      features.add(FeatureFilter.maxVolume(maxVolume));
    }
    Double minMean = v.optionalNumber(MIN_MEAN_INTENSITY);
    Double maxMean = v.optionalNumber(MAX_MEAN_INTENSITY);
    if (minMean != null || maxMean != null) {
      int channel = v.integer(INTENSITY_CHANNEL, 1);
      if (minMean != null) {
        features.add(FeatureFilter.minMeanIntensity(channel, minMean));
      }
      if (maxMean != null) {
        features.add(FeatureFilter.maxMeanIntensity(channel, maxMean));
      }
    }
    return new FilterSettings(features, roi(v), v.isChecked(CENTROID_IN_TISSUE));
  }

  private static RoiBox roi(Values v) {
    double[] b = new double[ROI.length];
    boolean any = false;
    for (int i = 0; i < ROI.length; i++) {
      Double x = v.optionalNumber(ROI[i]);
      any |= x != null;
      b[i] = x != null ? x : (i % 2 == 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }
    if (!any) {
      return null;
    }
    try {
      return new RoiBox(b[0], b[1], b[2], b[3], b[4], b[5]);
    } catch (IllegalArgumentException e) {
      throw Values.bad("roi", e.getMessage());
    }
  }
}
