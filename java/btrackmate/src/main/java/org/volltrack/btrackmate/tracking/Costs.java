package org.volltrack.btrackmate.tracking;

/** Small checks shared by the two linking steps. */
final class Costs {

  private Costs() {}

  /**
   * Returns {@code c} when it is &gt; 0. A cost of 0 (possible only when negative feature values
   * make a penalty factor exactly 0) cannot enter the solver, which TrackMate also rejects.
   */
  static double checkPositive(SpotTable table, int s, int t, double c) {
    if (!(c > 0)) {
      throw new IllegalArgumentException(
          "the link cost between spots "
              + table.id[s]
              + " and "
              + table.id[t]
              + " is "
              + c
              + " (feature penalties with negative feature values made it 0); the LAP solver needs"
              + " costs > 0");
    }
    return c;
  }
}
