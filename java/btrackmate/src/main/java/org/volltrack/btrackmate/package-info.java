/**
 * BTrackmate: a TrackMate-compatible cell tracker. The entry point is {@link
 * org.volltrack.btrackmate.BTrackmate#run}: {@link org.volltrack.btrackmate.settings.BTrackmateSettings}
 * in, an immutable {@link org.volltrack.btrackmate.BTrackmateResult} out (the filtered cells, the
 * tracked and pruned model, the TrackMate document), written with {@link
 * org.volltrack.btrackmate.BTrackmate#write}. The command line ({@code cli.Main}) and the ImageJ
 * commands are thin layers over it.
 */
package org.volltrack.btrackmate;
