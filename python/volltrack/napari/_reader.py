"""The napari reader for TrackMate XML files (npe2 ``readers`` contribution)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from volltrack._errors import InputError
from volltrack.napari._layers import LayerData, lineage_layers

__all__ = ["find_image", "napari_get_reader", "read_trackmate_layers", "to_tzyx"]


def _is_trackmate_xml(path: Path) -> bool:
    """True when the root element is ``<TrackMate>``, however long the prolog before it.

    lxml parses incrementally and stops at the root's start tag; entities are not resolved and no
    DTD or network is read (a file with a DTD is then refused by :func:`read_trackmate`).
    """
    from lxml import etree

    try:
        for _event, element in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, load_dtd=False, no_network=True
        ):
            return element.tag == "TrackMate"
    except (etree.XMLSyntaxError, OSError):
        return False
    return False


def napari_get_reader(path: str | os.PathLike[str] | Sequence[str]) -> Callable | None:
    """Return :func:`read_trackmate_layers` when ``path`` is one TrackMate XML file, else None.

    A file is taken when its name ends in ``.xml`` and its root element is ``<TrackMate>``;
    other XML files get None, so that other readers can try them.
    """
    if isinstance(path, (list, tuple)):
        if len(path) != 1:
            return None
        path = path[0]
    p = Path(path)  # type: ignore[arg-type]
    if p.suffix.lower() != ".xml" or not p.is_file() or not _is_trackmate_xml(p):
        return None
    return read_trackmate_layers


def find_image(xml: Path, filename: str | None, folder: str | None) -> Path | None:
    """The image a TrackMate file names: next to the file first, then where the file says."""
    if not filename:
        return None
    candidates = [xml.parent / filename]
    if folder:
        candidates.append(Path(folder) / filename)
    return next((c for c in candidates if c.is_file()), None)


def to_tzyx(data: np.ndarray, axes: str) -> list[np.ndarray] | None:
    """Split an image with axes from T, C, Z, Y, X into one (T, Z, Y, X) array per channel.

    Returns None when ``axes`` holds another axis (e.g. samples, or an unnamed one).
    """
    axes = axes.upper()
    if set(axes) - set("TCZYX") or len(set(axes)) != len(axes) or not {"Y", "X"} <= set(axes):
        return None
    for ax in "TCZ":
        if ax not in axes:
            data = data[np.newaxis]
            axes = ax + axes
    data = np.moveaxis(data, [axes.index(a) for a in "CTZYX"], range(5))
    return [data[c] for c in range(data.shape[0])]


def looks_like_labels(array: np.ndarray, pixels: np.ndarray) -> bool:
    """True when an integer (T, Z, Y, X) image is a label image of the spots at ``pixels``.

    ``pixels`` holds (frame, z, y, x) pixel coordinates. At most 2000 spots are checked: most
    must sit on a non-zero value that is the same at their four in-plane neighbours (a label,
    not a noisy intensity), and spots of one frame must mostly sit on different values.
    """
    if not np.issubdtype(array.dtype, np.integer) or not len(pixels):
        return False
    sample = pixels[:: max(1, len(pixels) // 2000)]
    idx = np.rint(sample).astype(np.int64)
    shape = np.asarray(array.shape)
    idx = idx[((idx >= 0) & (idx < shape)).all(axis=1)]
    if len(idx) < 0.8 * len(sample):
        return False
    t, z, y, x = idx.T
    value = array[t, z, y, x]
    same = np.ones(len(idx), bool)
    for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        yy = np.clip(y + dy, 0, shape[2] - 1)
        xx = np.clip(x + dx, 0, shape[3] - 1)
        same &= array[t, z, yy, xx] == value
    labelled = (value != 0) & same
    if labelled.mean() < 0.8:
        return False
    pairs = np.unique(np.column_stack([t[labelled], value[labelled]]), axis=0)
    return len(pairs) >= 0.8 * labelled.sum()


def read_trackmate_layers(path: str | os.PathLike[str] | Sequence[str]) -> list[LayerData]:
    """Layers of a TrackMate file: its image (when found) and a Tracks layer with divisions.

    The Tracks layer holds one row per spot, (tracklet id, frame, [z,] y, x) in pixels, with
    ``scale`` = the file's calibration, the division/merge ``graph`` and every numeric spot
    feature (:func:`volltrack.analysis.to_napari_tracks`). When the image the file names
    (``Settings/ImageData``) is found next to the file (or at its recorded folder) and has the
    size the file records, it is added under the tracks, as a Labels layer when it is the label
    image the spots were detected from, else as one Image layer per channel.

    Raises
    ------
    InputError
        The file is not a readable TrackMate file (see :func:`volltrack.io.read_trackmate`).
    """
    from volltrack.analysis import lineage_from_trackmate
    from volltrack.io import read_image, read_trackmate

    if isinstance(path, (list, tuple)):
        path = path[0]
    xml = Path(path)  # type: ignore[arg-type]
    data = read_trackmate(xml)
    # a file without tracks (detection only) shows its spots as one-spot tracks
    lineage = lineage_from_trackmate(data, lonely_spots=len(data.edges) == 0)
    images: list[tuple[str, np.ndarray, bool]] = []
    image_path = find_image(xml, data.image_filename, data.image_folder)
    if image_path is not None:
        try:
            image = read_image(image_path, memmap=True)  # mapped, not read, when it can be
        except InputError as exc:
            warnings.warn(f"{xml}: image not shown: {exc}", stacklevel=2)
            image = None
        channels = None if image is None else to_tzyx(image.data, image.axes)
        if channels is not None and (
            data.image_shape is None or tuple(channels[0].shape) == tuple(data.image_shape)
        ):
            voxel = np.asarray(data.voxel_size or (1.0, 1.0, 1.0))
            spots = data.spots
            zyx = [
                spots[k].to_numpy(np.float64) if k in spots else np.zeros(len(spots))
                for k in ("POSITION_Z", "POSITION_Y", "POSITION_X")
            ]
            pixels = np.column_stack(
                [spots["frame"].to_numpy(np.float64), np.column_stack(zyx) / voxel]
            )
            for c, array in enumerate(channels):
                labels = len(channels) == 1 and looks_like_labels(array, pixels)
                suffix = f" ch{c + 1}" if len(channels) > 1 else ""
                images.append((f"{image_path.stem}{suffix}", array, labels))
        elif image is not None:
            warnings.warn(
                f"{xml}: image {image_path} not shown: its axes {image.axes} / shape "
                f"{image.data.shape} do not match the (t, z, y, x) size {data.image_shape} "
                "the file records",
                stacklevel=2,
            )
    return lineage_layers(
        data,
        lineage,
        voxel_size=data.voxel_size,
        name=f"{xml.stem} tracks",
        images=images,
        image_shape=data.image_shape,
        source=str(xml),
    )
