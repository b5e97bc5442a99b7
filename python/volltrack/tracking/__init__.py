"""Tracking with BTrackmate, the TrackMate-exact LAP tracker (Java), from Python.

:func:`track` runs BTrackmate in this process (a JVM started once through scyjava with the
project's jars, or through PyImageJ in a user's Fiji) or in a child JVM (``subprocess=True``;
:func:`run_btrackmate` runs the command line directly). :class:`TrackingSettings` is the Java
settings object in Python: TrackMate's tracker keys, the same defaults, rules and messages, and
the JSON the Java command line reads (``--settings``). Importing this package starts no JVM.
"""

from volltrack.tracking._btrackmate_cli import java_executable, run_btrackmate
from volltrack.tracking._jvm import JvmInfo, jvm_info, start_jvm
from volltrack.tracking._settings import (
    TRACKER_KEYS,
    TRACKMATE_KEYS,
    FeatureFilter,
    FilterSettings,
    InputSettings,
    RoiBox,
    TrackerSettings,
    TrackingError,
    TrackingSettings,
)
from volltrack.tracking._track import (
    TrackingResult,
    read_tracker_settings,
    recorded_settings,
    track,
)

__all__ = [
    "TRACKER_KEYS",
    "TRACKMATE_KEYS",
    "FeatureFilter",
    "FilterSettings",
    "InputSettings",
    "JvmInfo",
    "RoiBox",
    "TrackerSettings",
    "TrackingError",
    "TrackingResult",
    "TrackingSettings",
    "java_executable",
    "jvm_info",
    "read_tracker_settings",
    "recorded_settings",
    "run_btrackmate",
    "start_jvm",
    "track",
]
