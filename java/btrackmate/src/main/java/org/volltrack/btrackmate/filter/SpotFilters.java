package org.volltrack.btrackmate.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.volltrack.btrackmate.model.Spot;
import org.volltrack.btrackmate.model.SpotCollection;
import org.volltrack.btrackmate.model.SpotFilter;

/**
 * An ordered, immutable conjunction of spot filters: a spot passes when it passes every filter (and
 * always when there are none).
 */
public final class SpotFilters implements SpotFilter {

  /** No filter: every spot passes. */
  public static final SpotFilters NONE = new SpotFilters(Collections.<SpotFilter>emptyList());

  private final List<SpotFilter> filters;

  private SpotFilters(List<SpotFilter> filters) {
    this.filters = Collections.unmodifiableList(new ArrayList<>(filters));
  }

  /** The conjunction of these filters. */
  public static SpotFilters of(SpotFilter... filters) {
    return of(Arrays.asList(filters));
  }

  /** The conjunction of these filters. */
  public static SpotFilters of(List<? extends SpotFilter> filters) {
    for (SpotFilter f : filters) {
      Objects.requireNonNull(f, "filter");
    }
    return new SpotFilters(new ArrayList<SpotFilter>(filters));
  }

  /** A new conjunction with {@code filter} added at the end. */
  public SpotFilters and(SpotFilter filter) {
    List<SpotFilter> l = new ArrayList<>(filters);
    l.add(Objects.requireNonNull(filter, "filter"));
    return new SpotFilters(l);
  }

  /** The filters, in order. */
  public List<SpotFilter> filters() {
    return filters;
  }

  @Override
  public boolean accepts(Spot spot) {
    for (SpotFilter f : filters) {
      if (!f.accepts(spot)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The same spots with visibility recomputed: visible exactly when the spot passes every filter,
   * whatever its visibility was before (as TrackMate's {@code SpotCollection.filter}). No spot is
   * removed, and every frame entry is kept.
   */
  public SpotCollection apply(SpotCollection spots) {
    return spots.map(s -> s.withVisible(accepts(s)));
  }

  @Override
  public String toString() {
    return filters.toString();
  }
}
