"""Spots and edges of a TrackMate XML file, read as a stream.

This is the graph part of TrackMate's format (``AllSpots/SpotsInFrame/Spot`` and
``AllTracks/Track/Edge``), enough to score or inspect a tracking result. The complete reader
(tracks and their features, FilteredTracks, calibration and settings) is planned in issue #6.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from volltrack._errors import InputError

__all__ = ["TrackMateGraph", "read_trackmate_graph", "read_trackmate_tracks"]

_PROLOG_BYTES = 4096


@dataclass(frozen=True)
class TrackMateGraph:
    """Spots and edges of a TrackMate file.

    Attributes
    ----------
    spots
        One row per spot: ``id`` (int64), ``frame`` (int64), ``name`` and every numeric attribute
        of the ``Spot`` element under its TrackMate key (``POSITION_X``, ``VISIBILITY``, ``LABEL``,
        ...); NaN where a spot lacks a feature.
    edges
        One row per edge: ``source``, ``target`` (int64 spot IDs), ``track_id`` (int64) and every
        numeric attribute of the ``Edge`` element (``LINK_COST``, ``SPEED``, ...).
    """

    spots: pd.DataFrame
    edges: pd.DataFrame


def _number(path: Path, line: int | None, tag: str, key: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise InputError(
            f"{path}:{line}: <{tag}> attribute {key}={value!r}: expected a number"
        ) from None


def read_trackmate_graph(path: str | Path) -> TrackMateGraph:
    """Read the spots and edges of a TrackMate XML file (any version from 3 to 8).

    Parsed as a stream (lxml ``iterparse``), so memory grows with the tables, not with the file's
    text. A file with a DOCTYPE is refused: TrackMate never writes one, and DTDs are how XML
    entity attacks work.

    Raises
    ------
    InputError
        Not readable, not XML, not a TrackMate file, a DOCTYPE, a spot without ``ID``/``FRAME``,
        an edge to a spot that does not exist, or a non-numeric attribute; the message names the
        file, the line and the element.
    """
    from lxml import etree

    path = Path(path)
    try:
        with open(path, "rb") as fh:
            prolog = fh.read(_PROLOG_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise InputError(f"{path}: has a DOCTYPE/ENTITY declaration; TrackMate files have none")
    spots: list[dict] = []
    edges: list[dict] = []
    root_seen = False
    track_id: int | None = None
    context = etree.iterparse(
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )
    try:
        for event, el in context:
            if not root_seen:
                root_seen = True
                if el.tag != "TrackMate":
                    raise InputError(f"{path}: root element is <{el.tag}>, expected <TrackMate>")
            if event == "start":
                if el.tag == "Track":
                    track_id = int(_number(path, el.sourceline, "Track", "TRACK_ID",
                                           el.get("TRACK_ID", "nan")))  # fmt: skip
                continue
            if el.tag == "Spot":
                row = {"name": el.get("name", "")}
                for key, value in el.attrib.items():
                    if key != "name":
                        row[key] = _number(path, el.sourceline, "Spot", key, value)
                if "ID" not in row or "FRAME" not in row:
                    raise InputError(f"{path}:{el.sourceline}: <Spot> needs ID and FRAME")
                spots.append(row)
                el.clear()
            elif el.tag == "Edge":
                row = {
                    key: _number(path, el.sourceline, "Edge", key, value)
                    for key, value in el.attrib.items()
                }
                if "SPOT_SOURCE_ID" not in row or "SPOT_TARGET_ID" not in row:
                    raise InputError(
                        f"{path}:{el.sourceline}: <Edge> needs SPOT_SOURCE_ID and SPOT_TARGET_ID"
                    )
                row["track_id"] = track_id
                edges.append(row)
                el.clear()
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}:{exc.lineno}: not well-formed XML: {exc.msg}") from None
    if not root_seen:
        raise InputError(f"{path}: empty file, expected a TrackMate XML document")

    spot_df = pd.DataFrame(spots)
    if spot_df.empty:
        spot_df = pd.DataFrame(columns=["id", "frame", "name"])
    else:
        spot_df = spot_df.rename(columns={"ID": "id"})
        spot_df.insert(0, "id", spot_df.pop("id").astype("int64"))
        spot_df.insert(1, "frame", spot_df["FRAME"].astype("int64"))
    edge_df = pd.DataFrame(edges)
    if edge_df.empty:
        edge_df = pd.DataFrame(
            {c: pd.Series(dtype="int64") for c in ("source", "target", "track_id")}
        )
    else:
        edge_df.insert(0, "source", edge_df.pop("SPOT_SOURCE_ID").astype("int64"))
        edge_df.insert(1, "target", edge_df.pop("SPOT_TARGET_ID").astype("int64"))
        edge_df.insert(2, "track_id", edge_df.pop("track_id").astype("int64"))
        known = set(spot_df["id"])
        unknown = sorted((set(edge_df["source"]) | set(edge_df["target"])) - known)
        if unknown:
            raise InputError(
                f"{path}: an <Edge> refers to spot {unknown[0]}, which is not in AllSpots"
            )
    return TrackMateGraph(spots=spot_df, edges=edge_df)


def read_trackmate_tracks(path: str | Path) -> pd.DataFrame:
    """One row per ``AllTracks/Track`` of a TrackMate XML file, with its features.

    Returns
    -------
    pandas.DataFrame
        ``track_id`` (int64, TrackMate's ``TRACK_ID``), ``name``, ``filtered`` (True when the
        track is listed in ``FilteredTracks``, i.e. shown by TrackMate) and every numeric
        attribute of the ``Track`` element under its TrackMate key (``NUMBER_SPOTS``,
        ``NUMBER_SPLITS``, ``TRACK_DURATION``, ...).

    Raises
    ------
    InputError
        Not readable or not well-formed XML, a DOCTYPE, a track without ``TRACK_ID``, or a
        non-numeric attribute; the message names the file and the line.
    """
    from lxml import etree

    path = Path(path)
    try:
        with open(path, "rb") as fh:
            prolog = fh.read(_PROLOG_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise InputError(f"{path}: has a DOCTYPE/ENTITY declaration; TrackMate files have none")
    rows: list[dict] = []
    shown: set[int] = set()
    try:
        for _event, el in etree.iterparse(
            str(path),
            events=("end",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
        ):
            if el.tag == "TrackID":
                shown.add(int(_number(path, el.sourceline, "TrackID", "TRACK_ID",
                                      el.get("TRACK_ID", "nan"))))  # fmt: skip
            elif el.tag == "Track":
                row: dict = {"name": el.get("name", "")}
                for key, value in el.attrib.items():
                    if key != "name":
                        row[key] = _number(path, el.sourceline, "Track", key, value)
                if "TRACK_ID" not in row or row["TRACK_ID"] != row["TRACK_ID"]:
                    raise InputError(f"{path}:{el.sourceline}: <Track> needs TRACK_ID")
                rows.append(row)
            el.clear()
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}:{exc.lineno}: not well-formed XML: {exc.msg}") from None
    if not rows:
        return pd.DataFrame(
            {
                "track_id": pd.Series(dtype="int64"),
                "name": pd.Series(dtype=object),
                "filtered": pd.Series(dtype=bool),
            }
        )
    table = pd.DataFrame(rows)
    track_id = table.pop("TRACK_ID").astype("int64")
    table.insert(0, "track_id", track_id)
    table.insert(2, "filtered", track_id.isin(shown))
    return table
