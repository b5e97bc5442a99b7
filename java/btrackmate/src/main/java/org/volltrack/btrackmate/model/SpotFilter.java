package org.volltrack.btrackmate.model;

/** A test that decides whether a spot stays visible. Implementations are immutable. */
public interface SpotFilter {

  /** True when the spot passes this filter (stays visible). */
  boolean accepts(Spot spot);
}
