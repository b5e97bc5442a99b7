package org.volltrack.btrackmate.filter;

import org.volltrack.btrackmate.model.Spot;

/** A test that decides whether a spot stays visible. Implementations are immutable. */
public interface SpotFilter {

  /** True when the spot passes this filter (stays visible). */
  boolean accepts(Spot spot);
}
