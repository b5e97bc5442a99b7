"""Cell Tracking Challenge (CTC) ground truth: ``man_track.txt`` and per-frame label TIFFs.

A CTC track is one label present in every frame from ``start`` to ``end`` and in no other frame;
``parent`` is the label of the track it continues from (a division, or the part of the same
cell before a gap), 0 for none, and a parent ends before its children start. Frames are named
with three digits (four when there are more than 1000 frames).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.io._atomic import atomic_path, write_text_atomic

__all__ = [
    "ctc_frame_digits",
    "ctcmetrics_valid",
    "read_ctc_tracks",
    "validate_ctc",
    "write_ctc_ground_truth",
    "write_ctc_tracks",
]

_COLUMNS = ["label", "start", "end", "parent"]


def ctc_frame_digits(n_frames: int) -> int:
    """Digits in CTC frame file names: 3, or 4 for more than 1000 frames."""
    return 3 if n_frames <= 1000 else 4


def _check_table(tracks: pd.DataFrame, what: str) -> pd.DataFrame:
    missing = [c for c in _COLUMNS if c not in tracks.columns]
    if missing:
        raise InputError(f"{what}: missing columns {missing}; expected {_COLUMNS}")
    table = tracks[_COLUMNS]
    if not all(np.issubdtype(table[c].dtype, np.integer) for c in _COLUMNS):
        raise InputError(
            f"{what}: columns {_COLUMNS} must be integers, got {table.dtypes.tolist()}"
        )
    return table.astype("int64")


def write_ctc_tracks(path: str | os.PathLike[str], tracks: pd.DataFrame) -> Path:
    """Write a CTC track file (``L B E P`` per line, space separated), atomically.

    Parameters
    ----------
    path : path-like
        The file to write, e.g. ``.../TRA/man_track.txt``.
    tracks : pandas.DataFrame
        Integer columns ``label, start, end, parent``; other columns are ignored.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    table = _check_table(tracks, str(path))
    lines = "".join(f"{r.label} {r.start} {r.end} {r.parent}\n" for r in table.itertuples())
    return write_text_atomic(path, lines)


def read_ctc_tracks(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CTC track file into a DataFrame with int64 columns ``label, start, end, parent``.

    Raises
    ------
    InputError
        If the file is missing or a line is not four integers.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4 or not all(re.fullmatch(r"-?\d+", p) for p in parts):
            raise InputError(f"{path}: line {n}: expected four integers 'L B E P', got {line!r}")
        rows.append([int(p) for p in parts])
    return pd.DataFrame(rows, columns=_COLUMNS, dtype="int64")


def validate_ctc(labels: np.ndarray, tracks: pd.DataFrame) -> list[str]:
    """Check a label movie against its CTC track table.

    Parameters
    ----------
    labels : ndarray of int, shape (T, ...)
        One label image per frame (0 is background).
    tracks : pandas.DataFrame
        Integer columns ``label, start, end, parent``.

    Returns
    -------
    list of str
        One message per problem; empty when the pair is valid: labels are unique, in 1..65535;
        ``0 <= start <= end < T``; a parent is 0 or an existing label that ends before the
        child starts; every label is present in exactly the frames ``start..end``.
    """
    labels = np.asarray(labels)
    if labels.ndim < 2 or not np.issubdtype(labels.dtype, np.integer):
        raise InputError(
            f"labels must be an integer array (T, ...), got {labels.dtype} {labels.shape}"
        )
    table = _check_table(tracks, "tracks")
    problems: list[str] = []
    n_frames = labels.shape[0]
    dup = table["label"][table["label"].duplicated()].unique().tolist()
    if dup:
        problems.append(f"labels listed more than once: {dup}")
    bad = table[(table["label"] < 1) | (table["label"] > 65535)]["label"].tolist()
    if bad:
        problems.append(f"labels outside 1..65535: {bad}")
    by_label = {int(r.label): r for r in table.itertuples()}
    for r in table.itertuples():
        if not (0 <= r.start <= r.end < n_frames):
            problems.append(
                f"track {r.label}: frames {r.start}..{r.end} not within 0..{n_frames - 1}"
            )
        if r.parent != 0:
            p = by_label.get(int(r.parent))
            if p is None:
                problems.append(f"track {r.label}: parent {r.parent} is not a track")
            elif p.end >= r.start:
                problems.append(
                    f"track {r.label}: parent {r.parent} ends at {p.end}, not before {r.start}"
                )
    present: dict[int, list[int]] = {}
    for t in range(n_frames):
        for lab in np.unique(labels[t]):
            if lab != 0:
                present.setdefault(int(lab), []).append(t)
    for lab, frames in present.items():
        r = by_label.get(lab)
        if r is None:
            problems.append(f"label {lab} in frames {frames} is not in the track table")
        elif frames != list(range(r.start, r.end + 1)):
            problems.append(f"track {lab}: present in frames {frames}, expected {r.start}..{r.end}")
    for lab, r in by_label.items():
        if lab not in present:
            problems.append(f"track {lab}: listed for {r.start}..{r.end} but in no frame")
    return problems


def write_ctc_ground_truth(
    folder: str | os.PathLike[str],
    labels: np.ndarray,
    tracks: pd.DataFrame,
    *,
    seg_frames: list[int] | None = None,
) -> dict[str, list[Path]]:
    """Write CTC ground truth: ``TRA/man_track.txt`` + ``man_trackTTT.tif``, ``SEG/man_segTTT.tif``.

    Parameters
    ----------
    folder : path-like
        The ``NN_GT`` folder; created if missing.
    labels : ndarray of int, shape (T, Z, Y, X)
        Label movie, values in 0..65535; written as one uint16 ZYX TIFF per frame.
    tracks : pandas.DataFrame
        Integer columns ``label, start, end, parent``; must pass :func:`validate_ctc`.
    seg_frames : list of int, optional
        Frames to write under ``SEG`` (all frames by default; an empty list writes none).

    Returns
    -------
    dict
        ``{"TRA": [paths], "SEG": [paths]}``.

    Raises
    ------
    InputError
        If the shapes are wrong or the labels and tracks are not valid CTC ground truth.
    """
    import tifffile

    labels = np.asarray(labels)
    if labels.ndim != 4:
        raise InputError(f"labels: expected TZYX (4 dimensions), got shape {labels.shape}")
    problems = validate_ctc(labels, tracks)
    if problems:
        raise InputError(
            f"labels and tracks are not valid CTC ground truth: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        )
    folder = Path(folder)
    tra = folder / "TRA"
    seg = folder / "SEG"
    tra.mkdir(parents=True, exist_ok=True)
    n_frames = labels.shape[0]
    digits = ctc_frame_digits(n_frames)
    seg_list = list(range(n_frames)) if seg_frames is None else sorted(set(seg_frames))
    if any(not 0 <= t < n_frames for t in seg_list):
        raise InputError(f"seg_frames {seg_list} not within 0..{n_frames - 1}")
    written: dict[str, list[Path]] = {"TRA": [], "SEG": []}
    written["TRA"].append(write_ctc_tracks(tra / "man_track.txt", tracks))
    for t in range(n_frames):
        frame = labels[t].astype(np.uint16)
        path = tra / f"man_track{t:0{digits}d}.tif"
        with atomic_path(path) as tmp:
            tifffile.imwrite(tmp, frame, photometric="minisblack")
        written["TRA"].append(path)
        if t in seg_list:
            seg.mkdir(parents=True, exist_ok=True)
            path = seg / f"man_seg{t:0{digits}d}.tif"
            with atomic_path(path) as tmp:
                tifffile.imwrite(tmp, frame, photometric="minisblack")
            written["SEG"].append(path)
    return written


def ctcmetrics_valid(folder: str | os.PathLike[str]) -> tuple[bool, list[str]]:
    """Run py-ctcmetrics' own validity check on a CTC ``TRA`` (or ``RES``) folder.

    Parameters
    ----------
    folder : path-like
        A folder with ``man_track.txt`` (or ``res_track.txt``) and one label TIFF per frame.

    Returns
    -------
    valid : bool
        What ``ctc_metrics.valid`` says.
    warnings : list of str
        The warnings it gave (why it is invalid, or empty frames).

    Raises
    ------
    InputError
        If py-ctcmetrics is not installed or the folder holds no track file.
    """
    try:
        from ctc_metrics.metrics import valid
        from ctc_metrics.utils.filesystem import parse_masks, read_tracking_file
    except ImportError:
        raise InputError("py-ctcmetrics is not installed (pip install 'volltrack[test]')") from None
    import tifffile

    folder = Path(folder)
    track_file = next(
        (folder / n for n in ("man_track.txt", "res_track.txt") if (folder / n).is_file()), None
    )
    if track_file is None:
        raise InputError(f"{folder}: no man_track.txt or res_track.txt")
    tracks = read_tracking_file(str(track_file))
    masks = parse_masks(str(folder))
    labels_in_frames = []
    for m in masks:
        lab = np.unique(tifffile.imread(m))
        labels_in_frames.append(lab[lab != 0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok = bool(valid(masks, tracks, labels_in_frames))
    return ok, [str(w.message) for w in caught]
