/**
 * BTrackMate's "track inspector": {@link org.volltrack.btrackmate.pruning.TrackletPruner} removes
 * short terminal branches after divisions from a tracked model.
 */
package org.volltrack.btrackmate.pruning;
