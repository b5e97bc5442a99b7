"""Tracking with BTrackmate, the TrackMate-exact LAP tracker (Java).

Today this runs BTrackmate's command line in a child JVM (:func:`run_btrackmate`); the in-process
bridge through scyjava/PyImageJ with typed settings is planned in issue #5.
"""

from volltrack.tracking._btrackmate_cli import TrackingError, java_executable, run_btrackmate

__all__ = ["TrackingError", "java_executable", "run_btrackmate"]
