"""``volltrack track CELLS --out tracks.xml``: BTrackmate from the ``volltrack`` command.

The options are those of BTrackmate's Java command line (``java -jar BTrackmate_-*.jar
--help``), built from one table (:data:`OPTIONS` plus a flag per tracker key; a test checks that
every flag of the Java ``--help`` is here), with the same precedence — defaults <
``--settings`` < ``--tracker-settings`` < flags — and exit statuses (0 ok, 2 bad input with one
line on stderr and nothing written, 1 internal error). volltrack adds a positional input (its
kind from the suffix: ``.csv``, ``.tif``/``.tiff``, ``.xml``), ``--overwrite``, ``--fiji PATH``
and ``--subprocess``. It runs in process through :func:`volltrack.tracking.track`.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from volltrack._cli._options import int_at_least

__all__ = ["OPTIONS", "add_arguments", "run"]


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got '{text}'") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got '{text}'")
    return value


def _positive(text: str) -> float:
    value = _finite(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got '{text}'")
    return value


def _fraction(text: str) -> float:
    value = _finite(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1], got '{text}'")
    return value


def _bound(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected six numbers xmin xmax ymin ymax zmin zmax, got '{text}'"
        ) from None
    if math.isnan(value):
        raise argparse.ArgumentTypeError(
            "a bound is NaN; use -Infinity or Infinity for an open side"
        )
    return value


def _tracker_value(key: str):
    def parse(text: str):
        from volltrack.tracking._settings import _tracker_check

        try:
            _tracker_check(key, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text

    parse.__name__ = key
    return parse


class _FeatureFilterAction(argparse.Action):
    """Appends ``(FEATURE, VALUE, IS_ABOVE)`` to ``feature_filters``, in command-line order."""

    def __init__(self, option_strings, dest, feature=None, is_above=True, **kw):
        self.feature, self.is_above = feature, is_above
        super().__init__(option_strings, dest="feature_filters", **kw)

    def __call__(self, parser, namespace, value, option_string=None):
        from volltrack.tracking._settings import FeatureFilter, TrackingError

        if self.feature is None:
            try:
                f = FeatureFilter.parse(value)
            except TrackingError as exc:
                parser.error(f"argument {option_string}: {exc}")
            entry = (f.feature, f.value, f.is_above)
        else:
            entry = (self.feature, value, self.is_above)
        current = list(getattr(namespace, "feature_filters", None) or [])
        namespace.feature_filters = [*current, entry]


@dataclass(frozen=True)
class Option:
    """One command-line option (shared meaning with the Java CLI unless ``python_only``)."""

    flag: str
    group: str
    help: str
    nargs: int | None = 1
    metavar: str | tuple[str, ...] | None = None
    type: object = None
    action: object = None
    extra: tuple[tuple[str, object], ...] = ()
    python_only: bool = False


_NUMBER_FILTERS = (
    ("--min-volume", "VOLUME", True),
    ("--max-volume", "VOLUME", False),
    ("--min-mean-intensity", "MEAN_INTENSITY_CH1", True),
    ("--max-mean-intensity", "MEAN_INTENSITY_CH1", False),
)

#: Every option but the tracker keys (generated from :data:`volltrack.tracking.TRACKER_KEYS`).
OPTIONS: tuple[Option, ...] = (
    Option("--cells", "input", "cells.csv: one row per cell per frame", metavar="FILE"),
    Option("--labels", "input", "label image (TZYX or ZYX integer TIFF)", metavar="FILE"),
    Option("--raw", "input", "raw image for intensity features (with --labels)", metavar="FILE"),
    Option("--mask", "input", "tissue mask (ZYX or TZYX), non-zero = tissue", metavar="FILE"),
    Option(
        "--xml",
        "input",
        "an existing TrackMate XML: re-track, re-filter or re-prune its spots",
        metavar="FILE",
    ),
    Option("--no-tracking", "input", "with --xml: keep the file's links", nargs=0),
    Option("--out", "output", "the TrackMate XML to write (required)", metavar="FILE"),
    Option("--save-settings", "output", "also write the effective settings JSON", metavar="FILE"),
    Option("--overwrite", "output", "replace existing output files", nargs=0, python_only=True),
    Option(
        "--voxel-size",
        "calibration",
        "voxel size (µm), overrides the image calibration",
        nargs=3,
        metavar=("Z", "Y", "X"),
        type=_positive,
    ),
    Option(
        "--time-interval",
        "calibration",
        "seconds between frames, overrides the calibration (default 1)",
        metavar="S",
        type=_positive,
    ),
    Option("--settings", "settings", "settings JSON (as --save-settings writes)", metavar="FILE"),
    Option(
        "--tracker-settings",
        "settings",
        "take the LAP TrackerSettings of an existing TrackMate XML",
        metavar="FILE",
    ),
    Option(
        "--min-tracklet-length",
        "settings",
        "prune terminal post-division branches shorter than N frames (0 = off)",
        metavar="N",
        type=int_at_least(0),
    ),
    Option(
        "--filter",
        "filters",
        "keep cells whose feature F is >= V (<= V); repeatable",
        metavar="F>=V|F<=V",
        action=_FeatureFilterAction,
    ),
    *(
        Option(
            flag,
            "filters",
            f"same as --filter {feature}{'>=' if above else '<='}V",
            metavar="V",
            type=_finite,
            action=_FeatureFilterAction,
            extra=(("feature", feature), ("is_above", above)),
        )
        for flag, feature, above in _NUMBER_FILTERS
    ),
    Option(
        "--inside-tissue",
        "filters",
        "same as --filter INSIDE_TISSUE>=F (fraction of the cell in the mask)",
        metavar="F",
        type=_fraction,
        action=_FeatureFilterAction,
        extra=(("feature", "INSIDE_TISSUE"), ("is_above", True)),
    ),
    Option(
        "--centroid-in-tissue",
        "filters",
        "keep cells whose centroid lies in the tissue mask (needs --mask)",
        nargs=0,
    ),
    Option(
        "--roi",
        "filters",
        "keep cells inside this box (µm; -Infinity/Infinity for an open side)",
        nargs=6,
        metavar=("XMIN", "XMAX", "YMIN", "YMAX", "ZMIN", "ZMAX"),
        type=_bound,
    ),
    Option(
        "--threads",
        "other",
        "tracking threads (default: all processors)",
        metavar="N",
        type=int_at_least(1),
    ),
    Option("--quiet", "other", "no progress, no summary", nargs=0),
    Option(
        "--fiji",
        "other",
        "run in this Fiji (Fiji.app) through PyImageJ (default: $FIJI_DIR, else the "
        "project's jars through scyjava)",
        metavar="PATH",
        python_only=True,
    ),
    Option(
        "--subprocess",
        "other",
        "run BTrackmate in a child JVM instead of in this process",
        nargs=0,
        python_only=True,
    ),
)

_GROUPS = {
    "input": "input (one of them, the positional CELLS, or the input of --settings)",
    "output": "output",
    "calibration": "calibration",
    "settings": "settings (later sources win: defaults < --settings < --tracker-settings < flags)",
    "tracker": "tracker (TrackMate's LAP keys; also lower case with dashes; default in brackets)",
    "filters": "filters (filtered cells stay in the file, invisible, and are not tracked)",
    "other": "other",
}


def _dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


def _shown(default) -> str:
    """A default as the Java ``--help`` shows it."""
    from volltrack.tracking._settings import _jfmt

    if default is None:
        return "unset"
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float):
        return _jfmt(default)
    if isinstance(default, dict):
        return ",".join(f"{k}={v}" for k, v in default.items()) or "none"
    return str(default)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack track`` (the Java CLI's, from :data:`OPTIONS`)."""
    from volltrack.tracking._settings import TRACKER_KEYS, TrackerSettings

    parser.add_argument(
        "input",
        metavar="CELLS",
        nargs="?",
        help="the input: cells.csv, a label image (.tif) or a TrackMate file (.xml)",
    )
    groups = {name: parser.add_argument_group(title) for name, title in _GROUPS.items()}
    for opt in OPTIONS:
        kw: dict = {"help": opt.help}
        if opt.action is not None:
            kw.update(action=opt.action, **dict(opt.extra))
            if opt.type is not None:
                kw["type"] = opt.type
            kw["metavar"] = opt.metavar
        elif opt.nargs == 0:
            kw["action"] = "store_true"
        else:
            kw.update(metavar=opt.metavar, type=opt.type)
            if opt.nargs != 1:
                kw["nargs"] = opt.nargs
        groups[opt.group].add_argument(opt.flag, dest=_dest(opt.flag), **kw)
    fields = TrackerSettings.model_fields
    for key in TRACKER_KEYS:
        shown = _shown(fields[key].get_default(call_default_factory=True))
        groups["tracker"].add_argument(
            f"--{key}",
            f"--{key.lower().replace('_', '-')}",
            dest=f"tracker_{key}",
            metavar="V",
            type=_tracker_value(key),
            help=f"{fields[key].description} [{shown}]",
        )
    parser.add_argument(
        "--version", action="store_true", help="print BTrackmate's version and exit"
    )


def btrackmate_version() -> str:
    """The version recorded in the BTrackmate jar (``unknown`` when it has none)."""
    import zipfile

    from volltrack._jars import find_jars

    with zipfile.ZipFile(find_jars().btrackmate) as jar:
        try:
            text = jar.read("org/volltrack/btrackmate/version.properties").decode("utf-8")
        except KeyError:
            return "unknown"
    for line in text.splitlines():
        if line.startswith("version="):
            return line.split("=", 1)[1].strip()
    return "unknown"


def run(args: argparse.Namespace) -> int:
    """Track; return 0. Bad input raises :class:`~volltrack.tracking.TrackingError` (status 2)."""
    if args.version:
        print(f"btrackmate {btrackmate_version()}")
        return 0
    from volltrack.tracking import TRACKER_KEYS, TrackingError, TrackingSettings, track

    if args.out is None:
        raise TrackingError(
            "--out: missing; give the TrackMate XML file to write, e.g. --out tracks.xml"
        )
    explicit = {
        "cells_csv": args.cells,
        "labels": args.labels,
        "trackmate_xml": args.xml,
    }
    given = [k for k, v in explicit.items() if v is not None]
    if args.input is not None and given:
        raise TrackingError(
            f"command line: give one input: the positional CELLS or --{given[0]}, not both"
        )
    base = TrackingSettings.read_json(args.settings) if args.settings else TrackingSettings()
    options: dict = {}
    if given:
        options.update(explicit, raw=None)
    if args.raw is not None:
        options["raw"] = args.raw
    if args.mask is not None:
        options["mask"] = args.mask
    if args.voxel_size is not None:
        options["voxel_size_zyx"] = tuple(args.voxel_size)
    if args.time_interval is not None:
        options["frame_interval"] = args.time_interval
    if args.min_tracklet_length is not None:
        options["min_tracklet_length"] = args.min_tracklet_length
    if args.no_tracking:
        options["tracking"] = False
    flag_filters = getattr(args, "feature_filters", None) or []
    if flag_filters:
        options["features"] = [
            *(f.model_dump() for f in base.filters.features),
            *({"feature": f, "value": v, "is_above": a} for f, v, a in flag_filters),
        ]
    if args.roi is not None:
        options["roi"] = dict(
            zip(("x_min", "x_max", "y_min", "y_max", "z_min", "z_max"), args.roi, strict=True)
        )
    if args.centroid_in_tissue:
        options["centroid_in_tissue"] = True
    for key in TRACKER_KEYS:
        value = getattr(args, f"tracker_{key}")
        if value is not None:
            options[key] = value

    progress = None
    bar = None
    if not args.quiet and not args.subprocess and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            transient=True,
            console=Console(stderr=True),
        )
        task = bar.add_task("BTrackmate", total=1.0)

        def progress(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=message)

    try:
        if bar is not None:
            bar.start()
        result = track(
            args.input,
            base,
            out=args.out,
            tracker_settings=args.tracker_settings,
            save_settings=args.save_settings,
            overwrite=args.overwrite,
            fiji=args.fiji,
            subprocess=args.subprocess,
            threads=args.threads,
            progress=progress,
            **options,
        )
    finally:
        if bar is not None:
            bar.stop()
    if not args.quiet:
        spots = result.spots
        visible = int((spots["VISIBILITY"] != 0).sum()) if "VISIBILITY" in spots else len(spots)
        print(
            f"wrote {Path(args.out)}: {len(spots)} cells ({visible} after filtering), "
            f"{len(result.edges)} links, {len(result.tracks)} tracks"
        )
    return 0
