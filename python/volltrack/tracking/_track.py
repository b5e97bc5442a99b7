"""``volltrack.track``: run BTrackmate from Python, in process (JVM via scyjava/PyImageJ) or in a
child JVM, and read its TrackMate XML back as pandas tables."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from volltrack._errors import InputError
from volltrack.tracking._settings import (
    TRACKER_KEYS,
    TrackingError,
    TrackingSettings,
    _jfmt,
)

__all__ = ["TrackingResult", "read_tracker_settings", "recorded_settings", "track"]

_SUFFIX_KIND = {
    ".csv": "cells_csv",
    ".tif": "labels",
    ".tiff": "labels",
    ".xml": "trackmate_xml",
}
_INPUT_KEYS = ("cells_csv", "labels", "trackmate_xml")


@dataclass(frozen=True)
class TrackingResult:
    """What :func:`track` produced.

    Attributes
    ----------
    xml
        The TrackMate XML written (opens in Fiji's TrackMate/TrackScheme).
    spots
        One row per cell (:func:`volltrack.io.read_trackmate_graph`): ``id``, ``frame``, ``name``
        and every spot feature (``POSITION_X``, ``VISIBILITY``, ``LABEL``, ...).
    edges
        One row per link: ``source``, ``target``, ``track_id`` and TrackMate's edge features.
    tracks
        One row per track (:func:`volltrack.io.read_trackmate`): ``track_id``, ``name``
        and TrackMate's track features (``NUMBER_SPOTS``, ``NUMBER_SPLITS``, ...).
    settings
        The effective settings of the run (what ``--save-settings`` writes).
    """

    xml: Path
    spots: pd.DataFrame
    edges: pd.DataFrame
    tracks: pd.DataFrame
    settings: TrackingSettings


def _is_dataframe(value: Any) -> bool:
    """A pandas DataFrame (pandas is imported only when one can exist)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _absolute(path: str | os.PathLike) -> Path:
    """Java's ``toAbsolutePath().normalize()``."""
    return Path(os.path.normpath(Path(path).absolute()))


def _input_kind(path: Path) -> str:
    kind = _SUFFIX_KIND.get(path.suffix.lower())
    if kind is None:
        raise TrackingError(
            f"{path}: unknown input type; expected a cells table (.csv), a label image "
            "(.tif/.tiff) or a TrackMate file (.xml)"
        )
    return kind


def _tracker_text(value: Any) -> str:
    """A tracker value as a command-line flag's text (what Java's flag parser reads)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return _jfmt(value)
    if isinstance(value, Mapping):
        return ",".join(f"{k}={_jfmt(float(v))}" for k, v in value.items())
    return str(value)


def _check_writable(flag: str, path: Path, overwrite: bool) -> None:
    """Java ``Main.checkWritable``'s rules and messages, plus volltrack's no-overwrite rule."""
    folder = path.parent
    if not folder.is_dir():
        raise TrackingError(f"{flag}: the folder {folder} does not exist")
    if path.is_dir():
        raise TrackingError(f"{flag}: {path} is a folder; expected a file name")
    if not os.access(folder, os.W_OK):
        raise TrackingError(f"{flag}: the folder {folder} cannot be written (permission denied)")
    if path.exists() and not overwrite:
        raise TrackingError(f"{path}: already exists (use overwrite=True / --overwrite)")


def _check_readable(path: Path | None) -> None:
    """Java ``Main.readable``'s rules and messages."""
    if path is None:
        return
    if not path.exists():
        raise TrackingError(f"{path}: file not found")
    if not path.is_file():
        raise TrackingError(f"{path}: not a regular file")
    if not os.access(path, os.R_OK):
        raise TrackingError(f"{path}: cannot be read (permission denied)")


def _check_tiff(path: Path | None) -> None:
    """A damaged TIFF (e.g. a truncated stack, which ImageJ reads as zeros) is an error here,
    before Java sees it; the pixels are only memory-mapped, not read."""
    if path is None or Path(path).suffix.lower() not in (".tif", ".tiff"):
        return
    from volltrack.io import read_image

    try:
        read_image(path, memmap=True)
    except InputError as exc:
        raise TrackingError(str(exc)) from None


def read_tracker_settings(path: str | os.PathLike, *, fiji=None) -> dict[str, Any]:
    """The LAP tracker settings of a TrackMate XML file (TrackMate's keys), read by BTrackmate.

    Runs in the in-process JVM (Java's ``TrackMateXmlReader``, TrackMate files v3 to v8).

    Raises
    ------
    TrackingError
        The file is missing, not TrackMate XML, or has no LAP tracker settings; Java's message.
    """
    from volltrack.tracking._jvm import start_jvm

    start_jvm(fiji)
    import scyjava

    path = _absolute(path)
    source = str(path)
    if not path.is_file():
        raise TrackingError(
            f"{source}: file not found; expected a TrackMate XML file (--tracker-settings)"
        )
    reader = scyjava.jimport("org.volltrack.btrackmate.io.TrackMateXmlReader")
    xml_error = scyjava.jimport("org.volltrack.btrackmate.io.TrackMateXmlException")
    paths = scyjava.jimport("java.nio.file.Paths")
    try:
        lap = reader.read(paths.get(source)).document().lapSettings()
    except xml_error as exc:
        where = str(exc.where())
        raise TrackingError(
            f"{source}: {where}: {exc.problem()}" if where else f"{source}: {exc.problem()}"
        ) from None
    if lap is None:
        raise TrackingError(
            f"{source}: <TrackerSettings>: no readable LAP tracker settings (SPARSE_LAP_TRACKER); "
            "expected a file tracked with TrackMate's LAP tracker"
        )
    return _from_java(lap.toTrackMateMap())


def _from_java(value: Any) -> Any:
    """A Java Map/Double/Integer/Boolean as the Python value."""
    import jpype

    if isinstance(value, jpype.JBoolean | bool):
        return bool(value)
    if hasattr(value, "entrySet"):
        return {str(e.getKey()): _from_java(e.getValue()) for e in value.entrySet()}
    cls = str(value.getClass().getName()) if hasattr(value, "getClass") else ""
    if cls == "java.lang.Boolean":
        return bool(value.booleanValue())
    if cls in ("java.lang.Integer", "java.lang.Long"):
        return int(value.longValue())
    if cls == "java.lang.Double":
        return float(value.doubleValue())
    return value


def _resolve_settings(settings) -> TrackingSettings:
    if settings is None:
        return TrackingSettings()
    if isinstance(settings, TrackingSettings):
        return settings
    if isinstance(settings, str | os.PathLike):
        return TrackingSettings.read_json(settings)
    if isinstance(settings, Mapping):
        return TrackingSettings.create(dict(settings))
    raise TrackingError(
        f"settings: expected TrackingSettings, a settings JSON path or a mapping, got "
        f"{type(settings).__name__}"
    )


def track(
    cells: str | os.PathLike | pd.DataFrame | np.ndarray | None = None,
    settings: TrackingSettings | str | os.PathLike | Mapping | None = None,
    *,
    out: str | os.PathLike,
    raw: str | os.PathLike | np.ndarray | None = None,
    mask: str | os.PathLike | np.ndarray | None = None,
    tracker_settings: str | os.PathLike | None = None,
    save_settings: str | os.PathLike | None = None,
    overwrite: bool = False,
    fiji: str | os.PathLike | None = None,
    subprocess: bool = False,
    threads: int | None = None,
    progress: Callable[[float, str], None] | None = None,
    **options: Any,
) -> TrackingResult:
    """Track cells with BTrackmate and read the TrackMate XML back.

    Parameters
    ----------
    cells
        The input: a ``cells.csv`` path, a pandas DataFrame in that schema (written to a
        temporary CSV), a label image (``.tif``; with ``raw``/``mask``) or a label array (ZYX or
        TZYX integers, written to a temporary calibrated TIFF: give ``voxel_size_zyx``), or a
        TrackMate XML file (re-tracked; its tracker settings are the defaults). None: the input
        of ``settings``.
        Replaces the input (and raw image) of ``settings``, as an input flag does on the Java CLI.
    settings
        :class:`TrackingSettings`, a settings JSON file (``--settings``), or its dict; default:
        TrackMate's defaults.
    out
        The TrackMate XML to write (atomically). An existing file is refused unless
        ``overwrite``.
    raw, mask
        Raw image (label-image input) and tissue mask, as files or arrays (TZYX or ZYX; like a
        label array they need ``voxel_size_zyx``); replace those of ``settings``.
    tracker_settings
        A TrackMate XML whose LAP ``TrackerSettings`` are taken (over ``settings``, under
        ``options``): the Java CLI's ``--tracker-settings``.
    save_settings
        Also write the effective settings JSON there (``--save-settings``).
    overwrite
        Replace an existing ``out`` / ``save_settings``.
    fiji
        Run in this Fiji (``Fiji.app``) through PyImageJ; default ``$FIJI_DIR``; else the
        project's jars through scyjava. Only for the first in-process run of a process.
    subprocess
        Run BTrackmate's command line in a child JVM instead of in process.
    threads
        Tracking threads (default: every processor; results do not depend on it).
    progress
        Called as ``progress(fraction, message)`` during an in-process run.
    **options
        Setting overrides, applied last (the Java CLI's flags): tracker keys
        (``LINKING_MAX_DISTANCE=10`` or ``linking_max_distance=10``), ``min_tracklet_length``,
        ``voxel_size_zyx``, ``frame_interval``, ``features`` (feature filters), ``roi``,
        ``centroid_in_tissue``, ``tracking``.

    Returns
    -------
    TrackingResult
        The XML path, spots/edges/tracks tables and the effective settings.

    Raises
    ------
    TrackingError
        Bad input or settings (BTrackmate's Java ``BadInputException``/``IllegalArgumentException``
        messages, one line); nothing is written then.
    """
    base = _resolve_settings(settings)
    tmp_dir: tempfile.TemporaryDirectory | None = None
    # temporary file -> what the user gave, for error messages
    sources: dict[Path, str] = {}

    def temporary(name: str) -> Path:
        nonlocal tmp_dir
        if tmp_dir is None:
            tmp_dir = tempfile.TemporaryDirectory(prefix="volltrack-track-")
        return Path(tmp_dir.name) / name

    try:
        updates: dict[str, Any] = {}
        voxel_size = options.get("voxel_size_zyx", base.input.voxel_size_zyx)
        interval = options.get("frame_interval", base.input.frame_interval)
        if _is_dataframe(cells):
            frame_source = temporary("cells.csv")
            cells.to_csv(frame_source, index=False)
            sources[frame_source] = "cells DataFrame (as CSV)"
            updates.update(dict.fromkeys(_INPUT_KEYS), raw=None, cells_csv=frame_source)
        elif _is_array(cells):
            updates.update(dict.fromkeys(_INPUT_KEYS), raw=None)
            updates["labels"] = _array_as_tiff(cells, "labels", temporary, voxel_size, interval)
            sources[updates["labels"]] = "labels array (as TIFF)"
        elif cells is not None:
            path = Path(cells)
            updates.update(dict.fromkeys(_INPUT_KEYS), raw=None)
            updates[_input_kind(path)] = path
        for key, value in (("raw", raw), ("mask", mask)):
            if _is_array(value):
                updates[key] = _array_as_tiff(value, key, temporary, voxel_size, interval)
                sources[updates[key]] = f"{key} array (as TIFF)"
            elif value is not None:
                updates[key] = value
        tracker_options = {k.upper(): v for k, v in options.items() if k.upper() in TRACKER_KEYS}
        other_options = {k: v for k, v in options.items() if k.upper() not in TRACKER_KEYS}
        effective = base.updated(**updates, **other_options, **tracker_options)
        effective = _absolute_paths(effective)
        if effective.input.kind is None:
            raise TrackingError(
                "command line: no input: give a cells CSV, a label image or a TrackMate XML file"
            )
        try:
            return _run(
                effective,
                base=base,
                tracker_settings=tracker_settings,
                tracker_options=tracker_options,
                out=_absolute(out),
                save_settings=None if save_settings is None else _absolute(save_settings),
                overwrite=overwrite,
                fiji=fiji,
                in_subprocess=subprocess,
                threads=threads,
                progress=progress,
            )
        except TrackingError as exc:
            message = str(exc)
            for path, what in sources.items():
                message = message.replace(str(path), what)
            if message != str(exc):
                raise TrackingError(message) from None
            raise
    finally:
        if tmp_dir is not None:
            tmp_dir.cleanup()


def _is_array(value: object) -> bool:
    return hasattr(value, "__array__") and not isinstance(value, (str, os.PathLike))


def _array_as_tiff(array, what: str, temporary, voxel_size, interval) -> Path:
    """Write an array input (ZYX or TZYX) to a temporary calibrated ImageJ TIFF for BTrackmate."""
    from volltrack.io import write_imagej_tzyx

    values = np.asarray(array)
    if values.ndim == 3:
        values = values[None]
    if values.ndim != 4:
        raise TrackingError(f"{what} array: expected ZYX or TZYX, got shape {values.shape}")
    if what == "labels" and values.dtype.kind not in "iu":
        raise TrackingError(f"labels array: expected integer labels, got dtype {values.dtype}")
    if what == "labels" and values.size and (values.min() < 0 or values.max() > 65535):
        raise TrackingError(
            f"labels array: labels {values.min()}..{values.max()}; expected 0..65535 "
            "(a 16-bit label image, as ImageJ reads it)"
        )
    if voxel_size is None:
        raise TrackingError(
            f"{what} array: an array carries no calibration; give voxel_size_zyx=(z, y, x) in µm"
        )
    if what == "labels":
        values = values.astype(np.uint16, copy=False)
    return write_imagej_tzyx(
        temporary(f"{what}.tif"),
        values,
        voxel_size=tuple(float(v) for v in voxel_size),
        time_interval=float(interval) if interval is not None else 1.0,
    )


def _absolute_paths(s: TrackingSettings) -> TrackingSettings:
    keys = ("cells_csv", "labels", "trackmate_xml", "raw", "mask")
    changes = {k: _absolute(getattr(s.input, k)) for k in keys if getattr(s.input, k) is not None}
    return s.updated(**changes) if changes else s


def _run(
    effective: TrackingSettings,
    *,
    base: TrackingSettings,
    tracker_settings,
    tracker_options: dict[str, Any],
    out: Path,
    save_settings: Path | None,
    overwrite: bool,
    fiji,
    in_subprocess: bool,
    threads: int | None,
    progress,
) -> TrackingResult:
    if threads is not None and threads < 1:
        raise TrackingError(f"--threads: expected an integer >= 1, got '{threads}'")
    if tracker_settings is not None and not in_subprocess:
        # defaults < settings < --tracker-settings < flags, as the Java CLI merges them
        merged = {
            **base.tracker.to_map(),
            **read_tracker_settings(tracker_settings, fiji=fiji),
            **tracker_options,
        }
        effective = TrackingSettings.create(
            {**effective.to_dict(infinite_as_text=False), "tracker": merged}
        )
    _check_writable("--out", out, overwrite)
    if save_settings is not None:
        _check_writable("--save-settings", save_settings, overwrite)
    for p in (effective.input.cells_csv, effective.input.labels, effective.input.trackmate_xml):
        _check_readable(p)
    _check_readable(effective.input.raw)
    _check_readable(effective.input.mask)
    for p in (effective.input.labels, effective.input.raw, effective.input.mask):
        _check_tiff(p)
    if in_subprocess:
        _run_subprocess(effective, tracker_settings, tracker_options, out, save_settings, threads)
    else:
        _run_in_process(effective, out, save_settings, fiji, threads, progress)
    from volltrack.io import read_trackmate_graph

    graph = read_trackmate_graph(out)
    return TrackingResult(
        xml=out,
        spots=graph.spots,
        edges=graph.edges,
        tracks=graph.tracks,
        settings=recorded_settings(out),
    )


def recorded_settings(xml: str | os.PathLike) -> TrackingSettings:
    """The settings BTrackmate recorded in a TrackMate XML it wrote (its ``<BTrackmate>`` element).

    Raises
    ------
    TrackingError
        The file has no ``<BTrackmate>`` element (not written by BTrackmate) or it is invalid.
    """
    from lxml import etree

    xml = Path(xml)
    for _event, el in etree.iterparse(
        str(xml), tag="BTrackmate", resolve_entities=False, no_network=True, huge_tree=True
    ):
        return TrackingSettings.from_json(el.text or "", source=f"{xml}: <BTrackmate>")
    raise TrackingError(f"{xml}: no <BTrackmate> element; expected a file written by BTrackmate")


def _run_subprocess(
    effective: TrackingSettings,
    tracker_settings,
    tracker_options: dict[str, Any],
    out: Path,
    save_settings: Path | None,
    threads: int | None,
) -> None:
    from volltrack.tracking._btrackmate_cli import run_btrackmate

    with tempfile.TemporaryDirectory(prefix="volltrack-settings-") as folder:
        settings_json = Path(folder) / "settings.json"
        settings_json.write_text(effective.to_json(), encoding="utf-8")
        args = ["--settings", str(settings_json), "--out", str(out), "--quiet"]
        if tracker_settings is not None:
            args += ["--tracker-settings", str(_absolute(tracker_settings))]
            for key, value in tracker_options.items():
                args += [f"--{key}", _tracker_text(value)]
        if save_settings is not None:
            args += ["--save-settings", str(save_settings)]
        if threads is not None:
            args += ["--threads", str(threads)]
        run_btrackmate(args)


def _run_in_process(
    effective: TrackingSettings,
    out: Path,
    save_settings: Path | None,
    fiji,
    threads: int | None,
    progress,
) -> None:
    from volltrack.tracking._jvm import start_jvm

    start_jvm(fiji)
    import jpype
    import scyjava

    jimport = scyjava.jimport
    settings_json = jimport("org.volltrack.btrackmate.settings.SettingsJson")
    btrackmate = jimport("org.volltrack.btrackmate.BTrackmate")
    tracking_progress = jimport("org.volltrack.btrackmate.tracking.TrackingProgress")
    illegal_argument = jimport("java.lang.IllegalArgumentException")
    xml_error = jimport("org.volltrack.btrackmate.io.TrackMateXmlException")
    no_such_file = jimport("java.nio.file.NoSuchFileException")
    access_denied = jimport("java.nio.file.AccessDeniedException")
    paths = jimport("java.nio.file.Paths")
    runtime = jimport("java.lang.Runtime")

    if progress is None:
        callback = tracking_progress.NONE
    else:

        def report(fraction, message):
            progress(float(fraction), str(message))

        callback = jpype.JProxy(tracking_progress, dict={"progress": report})
    n_threads = threads if threads is not None else int(runtime.getRuntime().availableProcessors())
    # ImageJ prints its own complaints (e.g. "Unsupported format or file not found") on
    # System.out: catch them while BTrackmate runs, so that a bad input is one error line; on
    # success whatever Java printed goes to stderr as it would have.
    system = jimport("java.lang.System")
    captured = jimport("java.io.ByteArrayOutputStream")()
    stream = jimport("java.io.PrintStream")(captured, True, "UTF-8")
    java_out, java_err = system.out, system.err
    system.setOut(stream)
    system.setErr(stream)
    failed = True
    try:
        jsettings = settings_json.fromJson(effective.to_json(), "settings")
        result = btrackmate.run(jsettings, callback, n_threads)
        btrackmate.write(result, paths.get(str(out)))
        if save_settings is not None:
            settings_json.write(jsettings, paths.get(str(save_settings)))
        failed = False
    except (illegal_argument, xml_error) as exc:
        raise TrackingError(_one_line(str(exc.getMessage()))) from None
    except no_such_file as exc:
        raise TrackingError(f"{exc.getFile()}: file not found") from None
    except access_denied as exc:
        raise TrackingError(f"{exc.getFile()}: permission denied") from None
    finally:
        system.setOut(java_out)
        system.setErr(java_err)
        text = str(captured.toString("UTF-8"))
        if text and not failed:
            sys.stderr.write(text)


def _one_line(text: str) -> str:
    return " ".join(text.split()) if "\n" in text or "\r" in text else text
