"""Cell Tracking Challenge (CTC) files: ground truth (``man_track.txt`` + ``man_trackTTT.tif``)
and tracking results (``res_track.txt`` + ``maskTTT.tif``).

A CTC track is one label present in every frame from ``start`` to ``end`` and in no other frame;
``parent`` is the label of the track it continues from (a division, or the part of the same
cell before a gap), 0 for none, and a parent ends before its children start. Frames are named
with three digits (four when there are more than 1000 frames).
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.io._atomic import atomic_path, write_text_atomic

if TYPE_CHECKING:
    from volltrack.analysis import Lineage

__all__ = [
    "CTCTracks",
    "ctc_frame_digits",
    "ctc_tracks_from_lineage",
    "ctcmetrics_valid",
    "labels_at_spots",
    "read_ctc_masks",
    "read_ctc_tracks",
    "relabel_by_track",
    "validate_ctc",
    "write_ctc_ground_truth",
    "write_ctc_result",
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
    seg_list = list(range(n_frames)) if seg_frames is None else sorted(set(seg_frames))
    if any(not 0 <= t < n_frames for t in seg_list):
        raise InputError(f"seg_frames {seg_list} not within 0..{n_frames - 1}")
    written: dict[str, list[Path]] = {"TRA": [], "SEG": []}
    written["TRA"].append(write_ctc_tracks(tra / "man_track.txt", tracks))
    written["TRA"] += _write_frames(tra, "man_track", labels)
    if seg_list:
        seg.mkdir(parents=True, exist_ok=True)
        written["SEG"] = _write_frames(seg, "man_seg", labels, frames=seg_list)
    return written


def _write_frames(
    folder: Path, prefix: str, labels: np.ndarray, frames: list[int] | None = None
) -> list[Path]:
    """Write ``labels[t]`` as ``folder/<prefix>TTT.tif`` (uint16), atomically, for each frame."""
    import tifffile

    digits = ctc_frame_digits(labels.shape[0])
    paths = []
    for t in range(labels.shape[0]) if frames is None else frames:
        path = folder / f"{prefix}{t:0{digits}d}.tif"
        with atomic_path(path) as tmp:
            tifffile.imwrite(tmp, labels[t].astype(np.uint16), photometric="minisblack")
        paths.append(path)
    return paths


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


# --------------------------------------------------------------------------------------------
# Tracking results: a spot graph (TrackMate) → CTC tracks and masks


@dataclass(frozen=True)
class CTCTracks:
    """Tracklets cut into CTC tracks (:func:`ctc_tracks_from_lineage`).

    Attributes
    ----------
    tracks : pandas.DataFrame
        The CTC track table: int64 columns ``label, start, end, parent`` (labels 1, 2, ...;
        parent 0 for none).
    spot_track : pandas.Series
        int64 CTC label of every spot, indexed by spot ID.
    dropped_links : pandas.DataFrame
        ``source, target`` spot IDs of the links CTC cannot hold: the second and further
        incoming links of a merge (a CTC track has one parent). Empty when there were no merges.
    """

    tracks: pd.DataFrame
    spot_track: pd.Series
    dropped_links: pd.DataFrame


def ctc_tracks_from_lineage(lineage: Lineage) -> CTCTracks:
    """Cut the tracklets of a lineage into Cell Tracking Challenge tracks.

    A CTC track must be present in every frame from its start to its end, so a tracklet is cut
    at each gap-closing link (a link spanning more than one frame): the part after the gap
    becomes a child track whose parent is the part before it, as the CTC format requires. A
    tracklet that starts after a division gets the mother's last track as parent. CTC gives a
    track at most one parent, so at a merge only the link from the parent tracklet with the
    lowest id is kept; the other incoming links are listed in :attr:`CTCTracks.dropped_links`.
    Track labels are 1, 2, ... in order of tracklet id, then time.

    Parameters
    ----------
    lineage : volltrack.analysis.Lineage
        Tracklets and their links (:func:`volltrack.analysis.lineage_from_trackmate`; pass
        ``lonely_spots=True`` there to export detections that are in no track as one-frame
        tracks).

    Returns
    -------
    CTCTracks
    """
    spots = lineage.spots.sort_values(["tracklet_id", "frame"], kind="stable")
    spot_ids = spots["spot_id"].to_numpy(np.int64)
    frames = spots["frame"].to_numpy(np.int64)
    tracklet = spots["tracklet_id"].to_numpy(np.int64)
    first_of_tracklet = (
        np.r_[True, tracklet[1:] != tracklet[:-1]] if len(spots) else np.array([], bool)
    )
    after_gap = spots["frames_since_previous"].to_numpy(np.int64) > 1
    new_track = first_of_tracklet | after_gap
    label = np.cumsum(new_track).astype(np.int64)
    spot_track = pd.Series(label, index=spot_ids, dtype="int64")
    starts = np.flatnonzero(new_track)
    ends = np.r_[starts[1:] - 1, len(spots) - 1].astype(np.int64)
    parent = np.where(after_gap[starts], label[starts] - 1, 0).astype(np.int64)
    links = lineage.links.sort_values(["child_id", "parent_id"], kind="stable")
    first_link = ~links["child_id"].duplicated()
    kept, dropped = links[first_link], links[~first_link]
    child_track = spot_track.reindex(kept["child_spot_id"]).to_numpy(np.int64)
    parent_track = spot_track.reindex(kept["parent_spot_id"]).to_numpy(np.int64)
    parent[child_track - 1] = parent_track
    tracks = pd.DataFrame(
        {
            "label": label[starts],
            "start": frames[starts],
            "end": frames[ends],
            "parent": parent,
        },
        dtype="int64",
    )
    return CTCTracks(
        tracks=tracks,
        spot_track=spot_track.reindex(lineage.spots["spot_id"].to_numpy(np.int64)),
        dropped_links=pd.DataFrame(
            {
                "source": dropped["parent_spot_id"].to_numpy(np.int64),
                "target": dropped["child_spot_id"].to_numpy(np.int64),
            }
        ),
    )


def relabel_by_track(
    labels: np.ndarray,
    spots: pd.DataFrame,
    spot_track: pd.Series,
    *,
    label_column: str = "LABEL",
) -> np.ndarray:
    """Paint each spot's segment in the label movie with the spot's CTC track label.

    Parameters
    ----------
    labels : ndarray of int, shape (T, Z, Y, X)
        The label movie the spots were measured from.
    spots : pandas.DataFrame
        ``spot_id``, ``frame`` and ``label_column`` (the spot's label value in
        ``labels[frame]``), e.g. :attr:`volltrack.analysis.Lineage.spots`.
    spot_track : pandas.Series
        CTC track label per spot ID (:attr:`CTCTracks.spot_track`).
    label_column : str
        The column holding the label value (BTrackmate and ``cells.csv`` write ``LABEL``).

    Returns
    -------
    ndarray of uint16, shape (T, Z, Y, X)
        0 where no spot is; segments of the label movie that no spot refers to become 0.

    Raises
    ------
    InputError
        If ``labels`` is not TZYX integers, a spot lacks its label, refers to a frame outside the
        movie or to a label absent from its frame, two spots share a segment, or there are more
        than 65535 tracks.
    """
    labels = np.asarray(labels)
    if labels.ndim != 4 or not np.issubdtype(labels.dtype, np.integer):
        raise InputError(
            f"labels: expected an integer TZYX array, got {labels.dtype} {labels.shape}"
        )
    if label_column not in spots.columns:
        raise InputError(
            f"spots: no {label_column!r} column; the spots must carry the label they were "
            "measured from (BTrackmate run on labels or on cells.csv writes LABEL)"
        )
    if spots[label_column].isna().any():
        bad = spots.loc[spots[label_column].isna(), "spot_id"].iloc[0]
        raise InputError(f"spots: spot {bad} has no {label_column}")
    if len(spot_track) and int(spot_track.max()) > 65535:
        raise InputError(f"{int(spot_track.max())} tracks: CTC masks hold at most 65535")
    out = np.zeros(labels.shape, dtype=np.uint16)
    n_frames = labels.shape[0]
    table = pd.DataFrame(
        {
            "id": spots["spot_id"].to_numpy(np.int64),
            "frame": spots["frame"].to_numpy(np.int64),
            "label": spots[label_column].to_numpy(np.float64).astype(np.int64),
        }
    )
    table["track"] = spot_track.reindex(table["id"]).to_numpy()
    outside = table[(table["frame"] < 0) | (table["frame"] >= n_frames)]
    if len(outside):
        r = outside.iloc[0]
        raise InputError(
            f"spot {r.id}: frame {r.frame} is outside the label movie (0..{n_frames - 1})"
        )
    for t, group in table.groupby("frame"):
        frame = labels[t]
        dup = group["label"][group["label"].duplicated()]
        if len(dup):
            raise InputError(f"frame {t}: two spots have label {int(dup.iloc[0])}")
        top = int(frame.max())
        lut = np.zeros(max(top, int(group["label"].max())) + 1, dtype=np.uint16)
        present = np.zeros(len(lut), dtype=bool)
        present[np.unique(frame)] = True
        missing = group[(group["label"] <= 0) | ~present[group["label"].clip(lower=0)]]
        if len(missing):
            r = missing.iloc[0]
            raise InputError(f"spot {r.id}: label {r.label} is not in frame {t} of the label movie")
        lut[group["label"].to_numpy()] = group["track"].to_numpy()
        out[t] = lut[frame]
    return out


def labels_at_spots(
    labels: np.ndarray,
    spots: pd.DataFrame,
    voxel_size: tuple[float, float, float],
) -> np.ndarray:
    """The label value under each spot: ``labels[frame, round(z/vz), round(y/vy), round(x/vx)]``.

    For tracks whose spots do not carry the label they were measured from (e.g. TrackMate's own
    detectors): a spot's segment is the one its centre falls in.

    Parameters
    ----------
    labels : ndarray of int, shape (T, Z, Y, X)
    spots : pandas.DataFrame
        ``spot_id``, ``frame`` and positions ``z, y, x`` (as in
        :attr:`volltrack.analysis.Lineage.spots`), in the units of ``voxel_size``.
    voxel_size : tuple of float
        (z, y, x) size of a voxel of ``labels``.

    Returns
    -------
    ndarray of int64
        One label per spot, in the order of ``spots``.

    Raises
    ------
    InputError
        If a spot lies outside the movie or on background (0).
    """
    labels = np.asarray(labels)
    if labels.ndim != 4:
        raise InputError(f"labels: expected TZYX (4 dimensions), got shape {labels.shape}")
    index = [spots["frame"].to_numpy(np.int64)]
    for axis, name in enumerate(("z", "y", "x")):
        index.append(np.rint(spots[name].to_numpy(np.float64) / voxel_size[axis]).astype(np.int64))
    inside = np.ones(len(spots), bool)
    for axis, idx in enumerate(index):
        inside &= (idx >= 0) & (idx < labels.shape[axis])
    if not inside.all():
        k = int(np.flatnonzero(~inside)[0])
        raise InputError(
            f"spot {spots['spot_id'].iloc[k]}: voxel {tuple(int(i[k]) for i in index)} is outside "
            f"the label movie of shape {labels.shape} (voxel size {tuple(voxel_size)})"
        )
    values = labels[tuple(index)].astype(np.int64)
    if (values == 0).any():
        k = int(np.flatnonzero(values == 0)[0])
        voxel = tuple(int(i[k]) for i in index)
        raise InputError(
            f"spot {spots['spot_id'].iloc[k]}: its centre, voxel {voxel}, is on background "
            "(label 0); no segment to export"
        )
    return values


def write_ctc_result(
    folder: str | os.PathLike[str], tracks: pd.DataFrame, masks: np.ndarray
) -> list[Path]:
    """Write a CTC tracking result: ``res_track.txt`` and ``maskTTT.tif`` per frame.

    Parameters
    ----------
    folder : path-like
        The ``NN_RES`` folder; created if missing.
    tracks : pandas.DataFrame
        Integer columns ``label, start, end, parent``.
    masks : ndarray of int, shape (T, Z, Y, X)
        Track labels per frame; must pass :func:`validate_ctc` with ``tracks``.

    Returns
    -------
    list of pathlib.Path
        ``res_track.txt`` then the mask files.
    """
    masks = np.asarray(masks)
    if masks.ndim != 4:
        raise InputError(f"masks: expected TZYX (4 dimensions), got shape {masks.shape}")
    problems = validate_ctc(masks, tracks)
    if problems:
        raise InputError(
            f"tracks and masks are not a valid CTC result: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_ctc_tracks(folder / "res_track.txt", tracks),
        *_write_frames(folder, "mask", masks),
    ]


def read_ctc_masks(folder: str | os.PathLike[str], prefix: str | None = None) -> np.ndarray:
    """Read the per-frame label TIFFs of a CTC folder into one (T, ...) array.

    ``prefix`` is ``"mask"`` (results), ``"man_track"`` or ``"man_seg"``; by default whichever
    the folder holds. Frames must be numbered 0..T-1 without holes.
    """
    import tifffile

    folder = Path(folder)
    prefixes = [prefix] if prefix else ["mask", "man_track", "man_seg"]
    for p in prefixes:
        files = sorted(folder.glob(f"{p}[0-9]*.tif"))
        if files:
            break
    else:
        raise InputError(f"{folder}: no {'/'.join(prefixes)}TTT.tif files")
    numbers = [int(f.stem[len(p) :]) for f in files]
    order = np.argsort(numbers)
    if sorted(numbers) != list(range(len(files))):
        raise InputError(
            f"{folder}: {p} frames are {sorted(numbers)[:5]}..., expected 0..{len(files) - 1}"
        )
    return np.stack([tifffile.imread(files[i]) for i in order])
