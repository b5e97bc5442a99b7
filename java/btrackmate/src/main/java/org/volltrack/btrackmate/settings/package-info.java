/**
 * The settings of a BTrackmate run ({@link org.volltrack.btrackmate.settings.BTrackmateSettings}),
 * their JSON form ({@link org.volltrack.btrackmate.settings.SettingsJson}), and the input stage
 * that reads and filters the cells they name ({@link org.volltrack.btrackmate.settings.CellsInput}).
 */
package org.volltrack.btrackmate.settings;
