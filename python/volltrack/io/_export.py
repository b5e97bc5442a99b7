"""Export a TrackMate XML file to a CTC result folder or to GEFF (``volltrack export``)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.io._atomic import replace_folder, temporary_folder
from volltrack.io._ctc import (
    ctc_tracks_from_lineage,
    labels_at_spots,
    relabel_by_track,
    write_ctc_result,
)

__all__ = ["CTCExport", "export_ctc", "export_geff"]


@dataclass(frozen=True)
class CTCExport:
    """What :func:`export_ctc` wrote. Every field always exists.

    Attributes
    ----------
    folder : Path
        The result folder (``res_track.txt`` + ``maskTTT.tif``).
    tracks : DataFrame
        The CTC track table written (``label, start, end, parent``).
    n_frames : int
        Number of mask files.
    n_spots : int
        Spots exported (every spot of the kept tracks, plus spots in no track).
    dropped_links : DataFrame
        ``source, target`` spot IDs of merge links CTC cannot hold (see
        :func:`volltrack.io.ctc_tracks_from_lineage`).
    matched_by : str
        How spots found their segments: the spot feature named (``"LABEL"``) or ``"position"``.
    """

    folder: Path
    tracks: pd.DataFrame
    n_frames: int
    n_spots: int
    dropped_links: pd.DataFrame
    matched_by: str


def _labels_array(labels) -> tuple[np.ndarray, tuple[float, float, float] | None]:
    if isinstance(labels, str | os.PathLike):
        from volltrack.io._images import read_image

        image = read_image(labels)
        data = image.data
        if data.ndim != 4:
            raise InputError(f"{labels}: expected a TZYX label movie, got shape {data.shape}")
        if data.dtype == bool or not np.issubdtype(data.dtype, np.integer):
            raise InputError(
                f"{labels}: pixel type {data.dtype}; expected an integer TZYX label movie"
            )
        vs = None if image.voxel_size is None else tuple(float(v) for v in image.voxel_size)
        return data, vs  # type: ignore[return-value]
    return np.asarray(labels), None


def export_ctc(
    tracks_xml: str | os.PathLike[str],
    labels,
    folder: str | os.PathLike[str],
    *,
    label_column: str = "LABEL",
    voxel_size: tuple[float, float, float] | None = None,
    all_tracks: bool = False,
    overwrite: bool = False,
) -> CTCExport:
    """Write the tracks of a TrackMate file as a Cell Tracking Challenge result.

    The masks are the label movie the spots were measured from, each spot's segment painted
    with its CTC track label; segments that are in no exported spot become background. A spot's
    segment is named by its ``LABEL`` feature (BTrackmate writes it when tracking labels or
    ``cells.csv``); spots without it (e.g. from TrackMate's own detectors) take the segment their
    centre falls in (:func:`volltrack.io.labels_at_spots`), which needs the label movie's voxel
    size in the XML's space units. Tracks are cut by
    :func:`volltrack.io.ctc_tracks_from_lineage`; spots in no track are exported as one-frame
    tracks, since they are detections.

    Parameters
    ----------
    tracks_xml : path-like
        The TrackMate XML file.
    labels : path-like or ndarray
        The TZYX label movie (TIFF/zarr path or array) the spots were measured from.
    folder : path-like
        The result folder (e.g. ``01_RES``); must not hold a CTC result unless ``overwrite``.
    label_column : str
        Spot feature holding the segment's label value.
    voxel_size : tuple of float, optional
        (z, y, x) voxel size of ``labels`` for spots without ``label_column``; default the label
        TIFF's calibration.
    all_tracks : bool
        Export every track, not only those in TrackMate's ``FilteredTracks``.
    overwrite : bool
        Replace the ``res_track.txt`` and ``mask*.tif`` files of an earlier export.

    Returns
    -------
    CTCExport
    """
    from volltrack.analysis import lineage_from_trackmate
    from volltrack.io._trackmate import read_trackmate

    folder = Path(folder)
    old = _old_ctc_files(folder)
    if old and not overwrite:
        raise InputError(f"{folder}: already holds a CTC result ({old[0].name}); use --overwrite")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: exists and is not a folder")
    data = read_trackmate(tracks_xml, all_tracks=all_tracks)
    lineage = lineage_from_trackmate(data, lonely_spots=True)
    ctc = ctc_tracks_from_lineage(lineage)
    array, file_voxel_size = _labels_array(labels)
    spots = lineage.spots
    matched_by = label_column
    if label_column not in spots.columns or spots[label_column].isna().any():
        vs = voxel_size or file_voxel_size
        if vs is None:
            raise InputError(
                f"{tracks_xml}: spots have no {label_column} feature, and the label movie has no "
                "voxel size to find the segment under each spot (give --voxel-size)"
            )
        spots = spots.assign(**{label_column: labels_at_spots(array, spots, vs)})
        matched_by = "position"
    masks = relabel_by_track(array, spots, ctc.spot_track, label_column=label_column)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_folder(folder)
    try:
        # the new folder is built whole (with the other files of an existing one), then swapped
        # in: killed at any moment, the folder holds the old result or the new one, not a mix
        if folder.is_dir():
            stale = set(old)
            for path in folder.iterdir():
                if path not in stale:
                    if path.is_dir():
                        shutil.copytree(path, tmp / path.name, symlinks=True)
                    else:
                        shutil.copy2(path, tmp / path.name, follow_symlinks=False)
        write_ctc_result(tmp, ctc.tracks, masks)
        replace_folder(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return CTCExport(
        folder=folder,
        tracks=ctc.tracks,
        n_frames=int(masks.shape[0]),
        n_spots=len(lineage.spots),
        dropped_links=ctc.dropped_links,
        matched_by=matched_by,
    )


def _old_ctc_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("res_track.txt"), *folder.glob("mask[0-9]*.tif")])


def export_geff(
    tracks_xml: str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    all_tracks: bool = False,
    overwrite: bool = False,
) -> Path:
    """Write the tracks of a TrackMate file as GEFF (:func:`volltrack.io.write_geff`).

    Spots in no track are included as nodes without edges.
    """
    from volltrack.analysis import lineage_from_trackmate
    from volltrack.io._geff import write_geff
    from volltrack.io._trackmate import read_trackmate

    path = Path(path)
    if path.exists() and not overwrite:
        raise InputError(f"{path}: exists; use --overwrite to replace it")
    data = read_trackmate(tracks_xml, all_tracks=all_tracks)
    lineage = lineage_from_trackmate(data, lonely_spots=True)
    return write_geff(path, lineage, data.edges, overwrite=overwrite)
