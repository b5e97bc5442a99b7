package org.volltrack.btrackmate.filter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.volltrack.btrackmate.io.TissueMask;
import org.volltrack.btrackmate.model.SpotFilter;
import org.volltrack.btrackmate.model.FeatureFilter;

/**
 * The spot filters of a run, in a form that can be saved: TrackMate feature filters (saved as
 * {@code <Filter feature value isabove>} in the XML), plus BTrackmate's own ROI box and
 * centroid-in-tissue switch (saved in BTrackmate's settings). Immutable.
 */
public final class FilterSettings {

  /** No filter at all. */
  public static final FilterSettings NONE =
      new FilterSettings(Collections.<FeatureFilter>emptyList(), null, false);

  private final List<FeatureFilter> featureFilters;
  private final RoiBox roi;
  private final boolean centroidInTissue;

  /**
   * @param featureFilters feature filters, applied in order
   * @param roi the ROI box, or {@code null} for none
   * @param centroidInTissue whether a spot's centroid must lie in the tissue mask
   */
  public FilterSettings(List<FeatureFilter> featureFilters, RoiBox roi, boolean centroidInTissue) {
    List<FeatureFilter> copy = new ArrayList<>(featureFilters);
    for (FeatureFilter f : copy) {
      Objects.requireNonNull(f, "feature filter");
    }
    this.featureFilters = Collections.unmodifiableList(copy);
    this.roi = roi;
    this.centroidInTissue = centroidInTissue;
  }

  /** The feature filters, in order. */
  public List<FeatureFilter> featureFilters() {
    return featureFilters;
  }

  /** The ROI box, or {@code null}. */
  public RoiBox roi() {
    return roi;
  }

  /** Whether spots must have their centroid in the tissue mask. */
  public boolean centroidInTissue() {
    return centroidInTissue;
  }

  /** True when no filter is set. */
  public boolean isEmpty() {
    return featureFilters.isEmpty() && roi == null && !centroidInTissue;
  }

  /**
   * The filters to apply: feature filters, then the ROI box, then the centroid-in-tissue test.
   *
   * @param mask the tissue mask; may be {@code null} unless {@link #centroidInTissue()} is set
   * @throws IllegalArgumentException when the centroid-in-tissue filter is set and there is no mask
   */
  public SpotFilters toFilters(TissueMask mask) {
    List<SpotFilter> l = new ArrayList<SpotFilter>(featureFilters);
    if (roi != null) {
      l.add(roi);
    }
    if (centroidInTissue) {
      if (mask == null) {
        throw new IllegalArgumentException(
            "the centroid-in-tissue filter needs a tissue mask; give a mask image");
      }
      l.add(new CentroidInTissueFilter(mask));
    }
    return SpotFilters.of(l);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FilterSettings)) {
      return false;
    }
    FilterSettings f = (FilterSettings) o;
    return featureFilters.equals(f.featureFilters) && Objects.equals(roi, f.roi)
        && centroidInTissue == f.centroidInTissue;
  }

  @Override
  public int hashCode() {
    return Objects.hash(featureFilters, roi, centroidInTissue);
  }

  @Override
  public String toString() {
    return "FilterSettings[features=" + featureFilters + ", roi=" + roi + ", centroidInTissue=" + centroidInTissue + "]";
  }
}
