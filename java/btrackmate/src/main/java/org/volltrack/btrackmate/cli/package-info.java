/**
 * The {@code btrackmate} command line: {@link org.volltrack.btrackmate.cli.Main} (the jar's
 * Main-Class). Flags are parsed into a command line value, combined with the settings files into
 * the run's {@link org.volltrack.btrackmate.settings.BTrackmateSettings} (defaults &lt; {@code
 * --settings} &lt; {@code --tracker-settings} &lt; flags), and handed to {@link
 * org.volltrack.btrackmate.BTrackmate#run}.
 */
package org.volltrack.btrackmate.cli;
