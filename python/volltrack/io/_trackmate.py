"""TrackMate XML files (versions 3 to 8), read as a stream.

One parser reads everything the analysis needs: spots, edges and tracks with every feature the
file declares, the feature declarations, the calibration and units, the image the file was made
from, and which tracks the user kept (``FilteredTracks``). The file is parsed with lxml
``iterparse`` and every element is discarded once read, so memory grows with the tables (eight
bytes per number), not with the file's text.
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack._errors import InputError

__all__ = ["TrackMateData", "TrackMateGraph", "read_trackmate", "read_trackmate_graph"]

# element tag -> (result table, id attribute that must be unique)
_ROW_ELEMENTS = {"Spot": "spots", "Edge": "edges", "Track": "tracks"}
#: The largest FRAME a spot may have, as in BTrackmate (SpotCollection.MAX_FRAMES = 1e6 frames;
#: a bound that keeps per-frame tables small: movies have thousands of frames).
MAX_FRAME = 999_999
_POSITION_KEYS = ("POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T")
_POSITIVE_IMAGE_KEYS = ("voxeldepth", "pixelheight", "pixelwidth")
_DECLARATION_KINDS = {"SpotFeatures": "spot", "EdgeFeatures": "edge", "TrackFeatures": "track"}


@dataclass(frozen=True)
class TrackMateData:
    """Everything :func:`read_trackmate` reads from a TrackMate file. Every field always exists.

    Positions and times in the tables are in the file's units (``space_units``,
    ``time_units``): TrackMate stores calibrated positions (``POSITION_X`` = pixel × pixel
    width) and ``POSITION_T`` = frame × time interval.

    Attributes
    ----------
    path : Path
        The file read.
    version : str or None
        The ``version`` attribute of ``<TrackMate>``.
    spots : DataFrame
        One row per spot: ``id`` (int64), ``frame`` (int64), ``name`` (str), then one float64
        column per numeric attribute of ``<Spot>`` under its TrackMate key (``POSITION_X``,
        ``QUALITY``, ``MEAN_INTENSITY_CH1``, ...), NaN where a spot lacks it. Declared spot
        features that no spot carries are columns of NaN.
    edges : DataFrame
        One row per edge: ``source``, ``target`` (int64 spot ids, as written in the file: TrackMate
        does not promise that the source is the earlier spot), ``track_id`` (int64), then the
        numeric attributes of ``<Edge>`` (``LINK_COST``, ``SPEED``, ...) as float64.
    tracks : DataFrame
        One row per track: ``track_id`` (int64), ``name`` (str), ``filtered`` (bool: listed in
        ``FilteredTracks``), then the numeric attributes of ``<Track>`` as float64.
    features : DataFrame
        The feature declarations: ``kind`` (``"spot"``, ``"edge"``, ``"track"``), ``feature``
        (the key), ``name``, ``shortname``, ``dimension`` (TrackMate's dimension: ``POSITION``,
        ``INTENSITY``, ``TIME``, ...), ``isint`` (bool). Empty when the file declares none.
    space_units, time_units : str or None
        ``Model@spatialunits`` and ``Model@timeunits`` (e.g. ``"micron"``, ``"sec"``).
    voxel_size : tuple of float, or None
        (z, y, x) voxel size in ``space_units`` from ``Settings/ImageData``
        (``voxeldepth``, ``pixelheight``, ``pixelwidth``).
    time_interval : float or None
        ``ImageData@timeinterval``, in ``time_units``.
    image_filename, image_folder : str or None
        ``ImageData@filename`` and ``@folder`` (None when empty or absent).
    image_shape : tuple of int, or None
        (t, z, y, x) size of that image (``nframes``, ``nslices``, ``height``, ``width``).
    filtered_track_ids : tuple of int, or None
        The ids in ``FilteredTracks``, or None when the file has no ``FilteredTracks`` element
        (then every track counts as kept).
    all_tracks : bool
        Whether the tables hold every track (True) or only the kept ones (False).
    """

    path: Path
    version: str | None
    spots: pd.DataFrame
    edges: pd.DataFrame
    tracks: pd.DataFrame
    features: pd.DataFrame
    space_units: str | None
    time_units: str | None
    voxel_size: tuple[float, float, float] | None
    time_interval: float | None
    image_filename: str | None
    image_folder: str | None
    image_shape: tuple[int, int, int, int] | None
    filtered_track_ids: tuple[int, ...] | None
    all_tracks: bool

    @property
    def image_path(self) -> Path | None:
        """``image_folder / image_filename``, or None when the file names no image."""
        if not self.image_filename:
            return None
        return Path(self.image_folder or "") / self.image_filename


#: Former name of :class:`TrackMateData`; :func:`read_trackmate_graph` returns one.
TrackMateGraph = TrackMateData


class _Columns:
    """Numeric columns filled row by row (NaN where a row lacks a key), eight bytes a value."""

    def __init__(self) -> None:
        self.n = 0
        self.numbers: dict[str, array] = {}
        self.text: dict[str, list[str]] = {}
        self.lines = array("q")

    def add(self, numbers: dict[str, float], text: dict[str, str], line: int) -> None:
        self.lines.append(line or 0)
        if numbers.keys() == self.numbers.keys() and text.keys() == self.text.keys():
            # the usual case: the same keys as the rows before, nothing to pad
            for key, value in numbers.items():
                self.numbers[key].append(value)
            for key, value in text.items():
                self.text[key].append(value)
            self.n += 1
            return
        for key, value in numbers.items():
            col = self.numbers.get(key)
            if col is None:
                col = self.numbers[key] = array("d", [np.nan]) * self.n if self.n else array("d")
            col.append(value)
        for key, value in text.items():
            tcol = self.text.get(key)
            if tcol is None:
                tcol = self.text[key] = [""] * self.n
            tcol.append(value)
        self.n += 1
        for col in self.numbers.values():
            if len(col) < self.n:
                col.append(np.nan)
        for tcol in self.text.values():
            if len(tcol) < self.n:
                tcol.append("")

    def frame(self, declared: list[str]) -> pd.DataFrame:
        data: dict[str, object] = dict(self.text)
        for key, col in self.numbers.items():
            data[key] = np.frombuffer(col, dtype=np.float64) if len(col) else np.empty(0)
        for key in declared:
            if key not in data:
                data[key] = np.full(self.n, np.nan)
        return pd.DataFrame(data, index=pd.RangeIndex(self.n), copy=False)  # no block copy


class _Parser:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.spots = _Columns()
        self.edges = _Columns()
        self.tracks = _Columns()
        self.declared: list[dict[str, object]] = []
        self.filtered: list[int] | None = None
        self.model: dict[str, str] = {}
        self.image: dict[str, str] | None = None
        self.version: str | None = None
        self.track_id: float | None = None
        self.model_seen = False

    def where(self, el) -> str:
        return f"{self.path}:{el.sourceline}: <{el.tag}>"

    def number(self, el, key: str, value: str) -> float:
        try:
            return float(value)
        except ValueError:
            raise InputError(
                f"{self.where(el)} attribute {key}={value!r}: expected a number"
            ) from None

    def integer(self, el, key: str) -> int:
        value = el.get(key)
        if value is None:
            raise InputError(f"{self.where(el)}: attribute {key} is missing (expected an integer)")
        number = self.number(el, key, value)
        if not np.isfinite(number) or number != int(number):
            raise InputError(f"{self.where(el)} attribute {key}={value!r}: expected an integer")
        return int(number)

    def numbers(self, el, skip: tuple[str, ...]) -> dict[str, float]:
        items = el.attrib.items()
        try:
            return {k: float(v) for k, v in items if k not in skip}
        except ValueError:  # find the culprit for the message
            return {k: self.number(el, k, v) for k, v in items if k not in skip}

    def start(self, el, parent: str | None) -> None:
        if el.tag == "Track":
            self.track_id = self.integer(el, "TRACK_ID")
        elif el.tag == "Model":
            self.model = dict(el.attrib)
            self.model_seen = True

    def end(self, el, parent: str | None) -> None:
        tag = el.tag
        if tag == "Spot":
            row = self.numbers(el, ("name",))  # ID and FRAME are checked per column later
            self.spots.add(row, {"name": el.get("name", "")}, el.sourceline)
        elif tag == "Edge":
            row = self.numbers(el, ())
            if self.track_id is None:
                raise InputError(f"{self.where(el)}: expected inside a <Track>")
            row["track_id"] = float(self.track_id)
            self.edges.add(row, {}, el.sourceline)
        elif tag == "Track":
            row = self.numbers(el, ("name",))
            self.tracks.add(row, {"name": el.get("name", "")}, el.sourceline)
            self.track_id = None
        elif tag == "Feature" and parent in _DECLARATION_KINDS:
            if el.get("feature") is None:
                raise InputError(f"{self.where(el)}: attribute feature is missing")
            self.declared.append(
                {
                    "kind": _DECLARATION_KINDS[parent],
                    "feature": el.get("feature"),
                    "name": el.get("name", ""),
                    "shortname": el.get("shortname", ""),
                    "dimension": el.get("dimension", ""),
                    "isint": el.get("isint", "false").strip().lower() == "true",
                }
            )
        elif tag == "TrackID" and parent == "FilteredTracks":
            if self.filtered is None:  # a <FilteredTracks> elsewhere than in <Model>
                raise InputError(f"{self.where(el)}: expected <FilteredTracks> inside <Model>")
            self.filtered.append(self.integer(el, "TRACK_ID"))
        elif tag == "ImageData":
            self.image = dict(el.attrib)


_PROLOG_LIMIT = 16 * 2**20
_DOCTYPE_MESSAGE = "has a DOCTYPE/ENTITY declaration; TrackMate files have none"
# encodings whose first bytes tell them apart (XML 1.0, appendix F), as Python codecs
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
# declared encodings in which the prolog's ASCII characters are single ASCII bytes
_ASCII_COMPATIBLE = {
    "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso-8859-15",
    "windows-1252", "cp1252",
}  # fmt: skip


def _check_prolog(path: Path) -> None:
    """Refuse a file whose prolog has a document type declaration (a DTD), however it is hidden.

    A DTD is the only place where entities are declared (XXE, billion laughs), and it can only
    stand in the prolog, before the root element. The prolog is scanned to the root's ``<``
    whatever its length (comments, processing instructions, white space), in the file's
    encoding (byte-order mark or the first bytes; UTF-8, UTF-16, UTF-32 or an ASCII-compatible
    declared encoding; any other declared encoding is refused: its bytes could hide the
    declaration from this scan).
    """
    import codecs
    import re

    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with fh:
        head = fh.read(4)
        encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), "utf-8")
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        text = decoder.decode(head).lstrip("\ufeff")
        pos = 0  # the prolog before pos is read
        read = len(head)
        eof = False
        while True:
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            rest = text[pos : pos + 9]
            closing = None
            if rest.startswith("<?"):
                closing = "?>"
            elif rest.startswith("<!--"):
                closing = "-->"
            elif rest[:9].upper() == "<!DOCTYPE" or rest.startswith("<!ENTITY"):
                raise InputError(f"{path}: {_DOCTYPE_MESSAGE}")
            elif len(rest) >= 9 or (rest and not "<!DOCTYPE".startswith(rest.upper())) or eof:
                return  # the root element, or something the parser reports
            if closing is not None:
                end = text.find(closing, pos + 2)
                if end >= 0:
                    item = text[pos : end + len(closing)]
                    m = re.match(r"<\?xml\s[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']", item)
                    if m and encoding == "utf-8" and m.group(1).lower() not in _ASCII_COMPATIBLE:
                        raise InputError(
                            f"{path}: declares encoding {m.group(1)!r}; expected UTF-8, UTF-16, "
                            "UTF-32 or an ASCII-compatible encoding (TrackMate writes UTF-8)"
                        )
                    pos = end + len(closing)
                    continue
                if eof:
                    return  # an unfinished comment: the parser reports it
            if read > _PROLOG_LIMIT:
                raise InputError(
                    f"{path}: no root element in the first {_PROLOG_LIMIT // 2**20} MiB; "
                    "expected <TrackMate> after a short prolog"
                )
            chunk = fh.read(65536)
            read += len(chunk)
            eof = not chunk
            # keep the unread part (and a few characters of an unfinished comment's end)
            keep = pos if closing is None else max(pos, len(text) - 8)
            if closing is not None and keep > pos:
                text = text[pos : pos + 4] + text[keep:]
            else:
                text = text[pos:]
            pos = 0
            text += decoder.decode(chunk, final=eof)


def _parse(path: Path) -> _Parser:
    from lxml import etree

    _check_prolog(path)
    parser = _Parser(path)
    stack: list[str] = []
    context = etree.iterparse(
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for event, el in context:
            if event == "start":
                if not stack:
                    if el.getroottree().docinfo.doctype:  # one after a long prolog
                        raise InputError(f"{path}: {_DOCTYPE_MESSAGE}")
                    if el.tag != "TrackMate":
                        raise InputError(
                            f"{path}:{el.sourceline}: root element is <{el.tag}>, "
                            "expected <TrackMate>"
                        )
                    parser.version = el.get("version")
                elif el.tag == "FilteredTracks" and stack[-1] == "Model":
                    parser.filtered = []
                parser.start(el, stack[-1] if stack else None)
                stack.append(el.tag)
                continue
            stack.pop()
            parser.end(el, stack[-1] if stack else None)
            # discard what was read: the element's content and the finished siblings before it
            el.clear(keep_tail=False)
            if stack:
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        where = f"{path}:{exc.lineno}" if exc.lineno else str(path)
        inside = f" inside <{stack[-1]}>" if stack else ""
        message = " ".join(str(exc.msg).split())  # libxml2's messages may hold line breaks
        raise InputError(f"{where}: not well-formed XML{inside}: {message}") from None
    if stack:
        raise InputError(f"{path}: the file ends inside <{stack[-1]}> (truncated)")
    if parser.model_seen is False:
        raise InputError(f"{path}: <TrackMate> has no <Model>, expected a TrackMate file")
    return parser


def _float(image: dict[str, str] | None, key: str, path: Path) -> float | None:
    if image is None or image.get(key) in (None, ""):
        return None
    try:
        value = float(image[key])
    except ValueError:
        raise InputError(
            f"{path}: <ImageData> attribute {key}={image[key]!r}: expected a number"
        ) from None
    if not np.isfinite(value):
        return None
    if value <= 0 and key in _POSITIVE_IMAGE_KEYS:
        raise InputError(
            f"{path}: <ImageData> attribute {key}={image[key]!r}: expected a number > 0"
        )
    if value < 0:
        raise InputError(
            f"{path}: <ImageData> attribute {key}={image[key]!r}: expected a number >= 0"
        )
    return value


def _ids(
    df: pd.DataFrame,
    key: str,
    new: str,
    p: _Columns,
    path: Path,
    element: str,
    limits: tuple[int, int] | None = None,
) -> pd.Series:
    """Column ``key`` as int64 ids named ``new``; a missing or non-integer value is an error."""
    values = df.pop(key).to_numpy() if key in df else np.full(len(df), np.nan)
    finite = np.isfinite(values)
    safe = np.where(finite, values, 0)
    lo, hi = limits or (-(2**63), 2**63 - 1024)  # the int64 range
    bad = ~finite | (safe != np.round(safe)) | (safe < lo) | (safe > hi)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "is missing or not a number" if np.isnan(values[i]) else f"= {values[i]!r}"
        expected = "an integer" if limits is None else f"an integer in {lo}..{hi}"
        raise InputError(
            f"{path}:{p.lines[i]}: <{element}>: attribute {key} {what} (expected {expected})"
        )
    return pd.Series(values.astype(np.int64), name=new, index=df.index)


def _finite(df: pd.DataFrame, keys: tuple[str, ...], p: _Columns, path: Path) -> None:
    """Spot positions must be finite numbers: NaN (or absent) and infinity are errors."""
    for key in keys:
        if key not in df:
            continue
        values = df[key].to_numpy()
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            i = int(bad[0])
            what = "is missing or NaN" if np.isnan(values[i]) else f"= {values[i]!r}"
            raise InputError(
                f"{path}:{p.spots.lines[i]}: <Spot>: attribute {key} {what} "
                "(expected a finite number)"
            )


def read_trackmate(path: str | os.PathLike[str], *, all_tracks: bool = False) -> TrackMateData:
    """Read a TrackMate XML file (any version from 3 to 8) into tables.

    Parameters
    ----------
    path : path-like
        The ``.xml`` file TrackMate, BTrackmate or another tool wrote.
    all_tracks : bool
        Keep every track. By default only the tracks listed in ``FilteredTracks`` (those the
        user kept in TrackMate) are kept, with their edges; the spots of the dropped tracks are
        dropped too, and so are invisible spots (``VISIBILITY`` 0) that no kept edge uses. A
        file without ``FilteredTracks`` keeps everything.

    Returns
    -------
    TrackMateData
        Spots, edges, tracks (every declared feature; NaN where missing), feature declarations,
        calibration, units, image information.

    Raises
    ------
    InputError
        Unreadable file, DOCTYPE or entity declarations (refused: TrackMate writes none and they
        are how XML entity attacks work), not well-formed or truncated XML, a root other than
        ``<TrackMate>``, a non-numeric attribute, a spot without ``ID``/``FRAME``, duplicated
        spot or track ids, an edge outside a track or to a spot that does not exist. The one-line
        message names the file, the line and the element.
    """
    path = Path(path)
    p = _parse(path)
    declared = pd.DataFrame(
        p.declared, columns=["kind", "feature", "name", "shortname", "dimension", "isint"]
    )
    declared["isint"] = declared["isint"].astype(bool)

    def keys(kind: str) -> list[str]:
        return declared.loc[declared["kind"] == kind, "feature"].tolist()

    # every TrackMate spot has a position: the columns exist even in a file without spots
    spot_keys = [*_POSITION_KEYS, *(k for k in keys("spot") if k not in ("ID", "FRAME"))]
    spots = p.spots.frame(spot_keys)
    if "name" not in spots:
        spots["name"] = pd.Series([], dtype=object)
    if len(spots):
        sid = _ids(spots, "ID", "id", p.spots, path, "Spot")
        frame = _ids(
            spots[["FRAME"]].copy(), "FRAME", "frame", p.spots, path, "Spot", (0, MAX_FRAME)
        )
        # a position some spot has must be finite in every spot (2D files may lack Z)
        _finite(spots, tuple(k for k in _POSITION_KEYS if k in p.spots.numbers), p, path)
    else:
        spots = spots.drop(columns=["ID"], errors="ignore")
        sid = pd.Series([], dtype=np.int64, name="id")
        frame = pd.Series([], dtype=np.int64)
    spots.insert(0, "id", sid)
    spots.insert(1, "frame", frame)
    spots.insert(2, "name", spots.pop("name").astype(object))
    dup = np.flatnonzero(spots["id"].duplicated().to_numpy())
    if dup.size:
        raise InputError(
            f"{path}:{p.spots.lines[dup[0]]}: <Spot> ID={int(spots['id'].iloc[dup[0]])}: "
            "expected a unique spot ID (an earlier <Spot> has it)"
        )

    edges = p.edges.frame(
        [k for k in keys("edge") if k not in ("SPOT_SOURCE_ID", "SPOT_TARGET_ID")]
    )
    if len(edges):
        src = _ids(edges, "SPOT_SOURCE_ID", "source", p.edges, path, "Edge")
        tgt = _ids(edges, "SPOT_TARGET_ID", "target", p.edges, path, "Edge")
        tid = _ids(edges, "track_id", "track_id", p.edges, path, "Edge")
    else:
        edges = edges.drop(
            columns=["SPOT_SOURCE_ID", "SPOT_TARGET_ID", "track_id"], errors="ignore"
        )
        src, tgt, tid = (pd.Series([], dtype=np.int64) for _ in range(3))
    edges.insert(0, "source", src)
    edges.insert(1, "target", tgt)
    edges.insert(2, "track_id", tid)
    if len(edges):
        known = pd.Index(spots["id"])
        for column in ("source", "target"):
            bad = np.flatnonzero(~edges[column].isin(known).to_numpy())
            if bad.size:
                key = "SPOT_SOURCE_ID" if column == "source" else "SPOT_TARGET_ID"
                raise InputError(
                    f"{path}:{p.edges.lines[bad[0]]}: <Edge> {key}="
                    f"{int(edges[column].iloc[bad[0]])} refers to a spot which is not in "
                    "<AllSpots>"
                )

    tracks = p.tracks.frame([k for k in keys("track") if k != "TRACK_ID"])
    if "name" not in tracks:
        tracks["name"] = pd.Series([], dtype=object)
    if len(tracks):
        tr = _ids(tracks, "TRACK_ID", "track_id", p.tracks, path, "Track")
    else:
        tracks = tracks.drop(columns=["TRACK_ID"], errors="ignore")
        tr = pd.Series([], dtype=np.int64)
    tracks.insert(0, "track_id", tr)
    tracks.insert(1, "name", tracks.pop("name").astype(object))
    dup = np.flatnonzero(tracks["track_id"].duplicated().to_numpy())
    if dup.size:
        raise InputError(
            f"{path}:{p.tracks.lines[dup[0]]}: <Track> TRACK_ID="
            f"{int(tracks['track_id'].iloc[dup[0]])}: expected a unique track ID"
        )
    filtered = None if p.filtered is None else tuple(int(i) for i in p.filtered)
    kept = np.ones(len(tracks), bool) if filtered is None else tracks["track_id"].isin(filtered)
    tracks.insert(2, "filtered", np.asarray(kept, dtype=bool))

    if not all_tracks and filtered is not None:
        dropped_tracks = ~tracks["filtered"]
        dropped = set(tracks.loc[dropped_tracks, "track_id"].tolist())
        drop_edge = edges["track_id"].isin(dropped)
        in_dropped = pd.unique(edges.loc[drop_edge, ["source", "target"]].to_numpy().ravel())
        used = pd.unique(edges.loc[~drop_edge, ["source", "target"]].to_numpy().ravel())
        keep_spot = ~spots["id"].isin(in_dropped)
        if "VISIBILITY" in spots:
            keep_spot &= (spots["VISIBILITY"] != 0) | spots["id"].isin(used)
        spots = spots[keep_spot].reset_index(drop=True)
        edges = edges[~drop_edge].reset_index(drop=True)
        tracks = tracks[~dropped_tracks].reset_index(drop=True)

    image = p.image
    voxel = [_float(image, k, path) for k in ("voxeldepth", "pixelheight", "pixelwidth")]
    voxel_size = None if any(v is None for v in voxel) else tuple(voxel)  # type: ignore[arg-type]
    shape_vals = [_float(image, k, path) for k in ("nframes", "nslices", "height", "width")]
    image_shape = (
        None if any(v is None for v in shape_vals) else tuple(int(v) for v in shape_vals)  # type: ignore[arg-type]
    )
    return TrackMateData(
        path=path,
        version=p.version,
        spots=spots,
        edges=edges,
        tracks=tracks,
        features=declared,
        space_units=p.model.get("spatialunits") or None,
        time_units=p.model.get("timeunits") or None,
        voxel_size=voxel_size,  # type: ignore[arg-type]
        time_interval=_float(image, "timeinterval", path),
        image_filename=(image or {}).get("filename") or None,
        image_folder=(image or {}).get("folder") or None,
        image_shape=image_shape,  # type: ignore[arg-type]
        filtered_track_ids=filtered,
        all_tracks=all_tracks,
    )


def read_trackmate_graph(path: str | os.PathLike[str]) -> TrackMateData:
    """Every track of a TrackMate file: ``read_trackmate(path, all_tracks=True)``.

    Kept for the callers that score or inspect a tracker's whole output (every track, whatever
    ``FilteredTracks`` says); see :func:`read_trackmate`.
    """
    return read_trackmate(path, all_tracks=True)
