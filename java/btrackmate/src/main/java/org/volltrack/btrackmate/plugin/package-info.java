/**
 * BTrackmate's ImageJ 1 commands, under <i>Plugins › Tracking › BTrackmate</i> (declared in the
 * jar's {@code plugins.config}):
 *
 * <ul>
 *   <li>{@link org.volltrack.btrackmate.plugin.TrackCellsFromCsv "Track cells from CSV..."}: a
 *       {@code cells.csv} table → TrackMate XML;
 *   <li>{@link org.volltrack.btrackmate.plugin.TrackLabelImage "Track label image..."}: a label
 *       image (with optional raw image and tissue mask) → TrackMate XML;
 *   <li>{@link org.volltrack.btrackmate.plugin.PruneShortTracklets "Prune short tracklets..."}: a
 *       TrackMate XML → the same with short post-division branches removed.
 * </ul>
 *
 * <p>Each command asks for its parameters with an ImageJ {@code GenericDialog}, runs the Java API
 * ({@link org.volltrack.btrackmate.BTrackmate#run}, then {@link
 * org.volltrack.btrackmate.BTrackmate#write}) on the calling thread, shows progress in ImageJ's
 * status and progress bars, and writes the XML atomically. Open the result in Fiji with
 * <i>Plugins › Tracking › TrackMate › Load a TrackMate file</i> (TrackScheme for the lineages).
 *
 * <h2>Macros and headless runs</h2>
 *
 * <p>The dialogs are macro-recordable: with the Recorder on, a run records e.g.
 *
 * <pre>
 * run("Track cells from CSV...", "cells=/data/cells.csv out=/data/tracks.xml linking_max_distance=15
 *     allow_gap_closing gap_closing_max_distance=15 max_frame_gap=2 allow_track_splitting
 *     splitting_max_distance=15 min_tracklet_length=3");
 * </pre>
 *
 * <p>Rules (ImageJ's): a key is the dialog label's first word, lower-cased; a value with spaces goes
 * in brackets ({@code out=[/my data/tracks.xml]}); a number or file key that is absent takes the
 * dialog's default; a checkbox key is on when present and <b>off when absent</b>, whatever the
 * dialog shows (so a macro that wants TrackMate's default gap closing names
 * {@code allow_gap_closing}). Numbers are read as text and checked by BTrackmate, so an empty
 * number field means "not set" (no override, no filter).
 *
 * <p>Where the options come from: in a macro, ImageJ's {@code GenericDialog} reads them without a
 * window, and so does Fiji's patched dialog in headless Fiji; with plain ImageJ 1 in a headless JVM
 * (where {@code GenericDialog} throws {@code HeadlessException}) BTrackmate reads them itself with
 * the same rules ({@code MacroOptions}; a test checks both readings agree when a display exists).
 *
 * <h2>Errors</h2>
 *
 * <p>A bad parameter or input file never gives a stack trace and never leaves an output file.
 * Interactive: an {@code IJ.error} dialog with one line. In a macro or headless: one line
 * {@code <command>: <message>} in the Log window (stdout without one), e.g. {@code Track cells from
 * CSV: linking_max_distance: expected a number, got 'abc'} or {@code Track cells from CSV:
 * /data/cells.csv: row 3, column 'x': ...}, and the running macro stops there without a dialog.
 * Success logs one line: {@code <command>: wrote <file> (<cells>, <links>, <tracks>)}.
 *
 * <h2>Macro keys</h2>
 *
 * <table>
 *   <caption>input and output keys</caption>
 *   <tr><th>command</th><th>keys</th></tr>
 *   <tr><td>Track cells from CSV</td><td>{@code cells} (required: cells.csv), {@code out}
 *       (required: tracks.xml), {@code mask} (tissue mask TIFF, for the tissue filters)</td></tr>
 *   <tr><td>Track label image</td><td>{@code labels} (required: label TIFF), {@code raw}
 *       (intensity image), {@code mask} (tissue mask), {@code out} (required)</td></tr>
 *   <tr><td>Prune short tracklets</td><td>{@code tracks} (required: TrackMate XML), {@code out}
 *       (required; may equal {@code tracks}), {@code min_tracklet_length} (default 3),
 *       {@code retrack} (flag: track the file's spots again with its tracker settings first)</td></tr>
 * </table>
 *
 * <table>
 *   <caption>keys of both tracking commands (empty = not set)</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code voxel_z voxel_y voxel_x}</td><td>empty</td><td>voxel size override (all three
 *       or none); empty: the image's calibration</td></tr>
 *   <tr><td>{@code frame_interval}</td><td>empty</td><td>frame interval override; empty: the
 *       image's, else 1</td></tr>
 *   <tr><td>{@code linking_max_distance}</td><td>15</td><td>LINKING_MAX_DISTANCE</td></tr>
 *   <tr><td>{@code allow_gap_closing}</td><td>flag</td><td>ALLOW_GAP_CLOSING (checked in the
 *       dialog, TrackMate's default)</td></tr>
 *   <tr><td>{@code gap_closing_max_distance}</td><td>15</td><td>GAP_CLOSING_MAX_DISTANCE</td></tr>
 *   <tr><td>{@code max_frame_gap}</td><td>2</td><td>MAX_FRAME_GAP (whole number &ge; 1)</td></tr>
 *   <tr><td>{@code allow_track_splitting}</td><td>flag</td><td>ALLOW_TRACK_SPLITTING</td></tr>
 *   <tr><td>{@code splitting_max_distance}</td><td>15</td><td>SPLITTING_MAX_DISTANCE</td></tr>
 *   <tr><td>{@code allow_track_merging}</td><td>flag</td><td>ALLOW_TRACK_MERGING</td></tr>
 *   <tr><td>{@code merging_max_distance}</td><td>15</td><td>MERGING_MAX_DISTANCE</td></tr>
 *   <tr><td>{@code singleton_gap_closing}</td><td>flag</td><td>SINGLETON_GAP_CLOSING (BTrackmate's
 *       extension: never-linked spots take part in gap closing)</td></tr>
 *   <tr><td>{@code min_tracklet_length}</td><td>0</td><td>prune post-division branches shorter
 *       than this many frames (0 = off)</td></tr>
 *   <tr><td>{@code centroid_in_tissue}</td><td>flag</td><td>keep cells whose centroid is in the
 *       mask (needs {@code mask})</td></tr>
 *   <tr><td>{@code min_inside_tissue}</td><td>empty</td><td>keep cells with INSIDE_TISSUE &ge;
 *       value (fraction 0-1)</td></tr>
 *   <tr><td>{@code roi_x_min roi_x_max roi_y_min roi_y_max roi_z_min roi_z_max}</td><td>empty</td>
 *       <td>ROI box in physical units, bounds included; an empty bound is open</td></tr>
 *   <tr><td>{@code min_volume max_volume}</td><td>empty</td><td>VOLUME bounds</td></tr>
 *   <tr><td>{@code min_mean_intensity max_mean_intensity}</td><td>empty</td><td>bounds on
 *       MEAN_INTENSITY_CH<i>c</i></td></tr>
 *   <tr><td>{@code intensity_channel}</td><td>1</td><td><i>c</i>, the channel of the intensity
 *       bounds</td></tr>
 * </table>
 *
 * <p>Tracker keys not in the dialog (feature penalties, ALTERNATIVE_LINKING_COST_FACTOR,
 * CUTOFF_PERCENTILE, BLOCKING_VALUE) keep TrackMate's defaults; use the CLI or the Java API for them.
 * Filtered cells stay in the XML, invisible (TrackMate's VISIBILITY 0), and are not tracked.
 */
package org.volltrack.btrackmate.plugin;
