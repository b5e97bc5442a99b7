"""Tracklets and the division/merge graph of a set of tracks.

A *tracklet* is a maximal chain of spots in which every link is one-to-one: it starts at a root
(a spot with no predecessor), after a division, or at a merge, and it ends at a leaf, at a
division (the mother's last spot is the one with two successors) or just before a merge. Every
spot of a track is in exactly one tracklet, so a division's spot is never written twice.
Links that span several frames (gap closing) stay inside their tracklet; the frames say where
the gaps are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from volltrack._errors import InputError

__all__ = [
    "Lineage",
    "add_spot_features",
    "build_lineage",
    "lineage_from_trackmate",
    "to_napari_tracks",
]

_POSITIONS = {"POSITION_Z": "z", "POSITION_Y": "y", "POSITION_X": "x"}


@dataclass(frozen=True)
class Lineage:
    """Tracklets of a set of tracks, with their parents and children. Every field always exists.

    Positions are in ``space_units`` and times in ``time_units`` (TrackMate stores calibrated
    positions); ``frame`` is the frame index.

    Attributes
    ----------
    spots : DataFrame
        One row per spot, sorted by (``tracklet_id``, ``frame``): ``spot_id``, ``tracklet_id``,
        ``track_id`` (int64), ``frame`` (int64), ``t`` (time), ``z``, ``y``, ``x`` (float64; z is
        0 for 2D data), ``frames_since_previous`` (int64: frames since the previous spot of the
        tracklet, > 1 after a gap, 0 at the tracklet's first spot), then every other numeric spot
        feature of the input under its own name (``QUALITY``, ``MEAN_INTENSITY_CH1``, ...).
    tracklets : DataFrame
        One row per tracklet, sorted by ``tracklet_id``: ``tracklet_id``, ``track_id``,
        ``generation`` (int64: divisions between the track's root and this tracklet; a merge adds
        none), ``parent_ids`` and ``children_ids`` (tuples of tracklet ids; two parents = a merge,
        two or more children = a division), ``start_frame``, ``end_frame``, ``start_t``,
        ``end_t``, ``n_spots``, ``n_gaps`` (links spanning more than one frame),
        ``first_spot_id``, ``last_spot_id``, ``start`` (``"root"``, ``"division"``,
        ``"merge"``), ``end`` (``"leaf"``, ``"division"``, ``"merge"``).
    links : DataFrame
        One row per link between tracklets: ``parent_id``, ``child_id`` (tracklet ids),
        ``parent_spot_id``, ``child_spot_id``, ``kind`` (``"division"`` when the parent has
        several children, else ``"merge"``).
    tracks : DataFrame
        One row per track: ``track_id``, ``n_tracklets``, ``n_spots``, ``n_divisions`` (spots with
        several successors), ``n_merges`` (spots with several predecessors), ``n_gaps``,
        ``dividing`` (bool), ``start_frame``, ``end_frame``, then the track features given to
        :func:`build_lineage` (TrackMate's ``TRACK_DURATION``, ...).
    space_units, time_units : str or None
        Units of positions and of ``t`` (``"frame"`` when times are frame indices).
    time_interval : float or None
        Time between frames in ``time_units``, when known.
    """

    spots: pd.DataFrame
    tracklets: pd.DataFrame
    links: pd.DataFrame
    tracks: pd.DataFrame
    space_units: str | None
    time_units: str | None
    time_interval: float | None

    @property
    def graph(self) -> dict[int, list[int]]:
        """napari's graph: child tracklet id → list of parent tracklet ids (two for a merge)."""
        graph: dict[int, list[int]] = {}
        for parent, child in zip(self.links["parent_id"], self.links["child_id"], strict=True):
            graph.setdefault(int(child), []).append(int(parent))
        return {child: sorted(parents) for child, parents in sorted(graph.items())}

    @property
    def dividing_track_ids(self) -> np.ndarray:
        """Ids (int64) of the tracks with at least one division."""
        return self.tracks.loc[self.tracks["dividing"], "track_id"].to_numpy(np.int64)

    @property
    def non_dividing_track_ids(self) -> np.ndarray:
        """Ids (int64) of the tracks without a division."""
        return self.tracks.loc[~self.tracks["dividing"], "track_id"].to_numpy(np.int64)


def _require(table: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{what}: column {missing[0]!r} is missing (expected {list(columns)})")


def _int_column(table: pd.DataFrame, column: str, what: str) -> np.ndarray:
    values = table[column].to_numpy()
    try:
        ints = values.astype(np.int64)
    except (TypeError, ValueError):
        raise InputError(f"{what}: column {column!r} must hold integers") from None
    if not np.array_equal(ints, values):
        raise InputError(f"{what}: column {column!r} must hold integers (found NaN or a fraction)")
    return ints


def build_lineage(
    spots: pd.DataFrame,
    edges: pd.DataFrame,
    tracks: pd.DataFrame | None = None,
    *,
    time_interval: float | None = None,
    space_units: str | None = None,
    time_units: str | None = None,
    lonely_spots: bool = False,
) -> Lineage:
    """Split tracks into tracklets and link them through divisions and merges.

    Parameters
    ----------
    spots : DataFrame
        ``id``, ``frame`` and ``POSITION_X``, ``POSITION_Y`` (``POSITION_Z``, ``POSITION_T`` and any
        other numeric feature optional), as in :attr:`volltrack.io.TrackMateData.spots`.
    edges : DataFrame
        ``source``, ``target`` (spot ids) and optionally ``track_id``. The direction of an edge is
        taken from the frames of its spots, not from the column it is in. Without ``track_id``,
        tracks are the connected components, numbered from 0 by their smallest spot id.
    tracks : DataFrame, optional
        ``track_id`` and track features, copied into :attr:`Lineage.tracks`.
    time_interval : float, optional
        Time between frames; used for ``t`` when the spots have no ``POSITION_T``.
    space_units, time_units : str, optional
        Recorded in the result. Without ``POSITION_T`` and ``time_interval`` the times are frame
        indices and ``time_units`` is ``"frame"``.
    lonely_spots : bool
        Keep spots that no edge uses, each as a one-spot track (new track ids after the largest
        existing one). By default they are left out, as TrackMate leaves them out of tracks.

    Returns
    -------
    Lineage

    Raises
    ------
    InputError
        Missing columns, non-integer ids or frames, duplicated spot ids or edges, an edge to an
        unknown spot or between two spots of the same frame, a spot in two tracks.
    """
    _require(spots, ("id", "frame", "POSITION_X", "POSITION_Y"), "spots")
    _require(edges, ("source", "target"), "edges")
    ids = _int_column(spots, "id", "spots")
    frames_all = _int_column(spots, "frame", "spots")
    if len(np.unique(ids)) != len(ids):
        dup = ids[pd.Series(ids).duplicated().to_numpy()][0]
        raise InputError(f"spots: id {dup} appears twice (expected unique spot ids)")
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]

    def index_of(values: np.ndarray, column: str) -> np.ndarray:
        if len(values) and not len(sorted_ids):
            raise InputError(f"edges: {column} {values[0]} is not a spot id (there are no spots)")
        pos = np.searchsorted(sorted_ids, values)
        pos = np.clip(pos, 0, max(len(sorted_ids) - 1, 0))
        bad = (sorted_ids[pos] != values) if len(values) else []
        if np.any(bad):
            raise InputError(f"edges: {column} {values[np.flatnonzero(bad)[0]]} is not a spot id")
        return order[pos]

    src_id = _int_column(edges, "source", "edges")
    tgt_id = _int_column(edges, "target", "edges")
    src = index_of(src_id, "source")
    tgt = index_of(tgt_id, "target")
    same = frames_all[src] == frames_all[tgt]
    if same.any():
        i = np.flatnonzero(same)[0]
        raise InputError(
            f"edges: edge {src_id[i]}–{tgt_id[i]} links two spots of frame {frames_all[src[i]]} "
            "(expected a later frame for one end)"
        )
    swap = frames_all[src] > frames_all[tgt]
    src, tgt = np.where(swap, tgt, src), np.where(swap, src, tgt)
    pair = pd.Series(src.astype(np.int64) * max(len(ids), 1) + tgt)
    if pair.duplicated().any():
        i = np.flatnonzero(pair.duplicated().to_numpy())[0]
        raise InputError(f"edges: the link {ids[src[i]]}–{ids[tgt[i]]} appears twice")

    n = len(ids)
    used = np.zeros(n, bool)
    used[src] = True
    used[tgt] = True

    # track of each spot
    track_of = np.full(n, -1, np.int64)
    if "track_id" in edges.columns and len(edges):
        etrack = _int_column(edges, "track_id", "edges")
        for end in (src, tgt):
            clash = (track_of[end] >= 0) & (track_of[end] != etrack)
            if clash.any():
                i = np.flatnonzero(clash)[0]
                raise InputError(
                    f"edges: spot {ids[end[i]]} is in tracks {track_of[end[i]]} and {etrack[i]} "
                    "(expected one track per spot)"
                )
            track_of[end] = etrack
            # a spot used twice in this same array gets the last value; check those too
            check = track_of[end] != etrack
            if check.any():
                i = np.flatnonzero(check)[0]
                raise InputError(
                    f"edges: spot {ids[end[i]]} is in two tracks (expected one track per spot)"
                )
    elif len(edges):
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        adj = coo_matrix((np.ones(len(src)), (src, tgt)), shape=(n, n))
        _, comp = connected_components(adj, directed=False)
        comp_used = comp[used]
        # number components by their smallest spot id
        first = pd.Series(ids[used]).groupby(comp_used).min().sort_values()
        renumber = dict(zip(first.index, range(len(first)), strict=True))
        track_of[used] = np.array([renumber[c] for c in comp_used], dtype=np.int64)
    keep = used.copy()
    if lonely_spots:
        lonely = np.flatnonzero(~used)
        start = int(track_of.max()) + 1 if used.any() else 0
        lonely = lonely[np.argsort(ids[lonely], kind="stable")]
        track_of[lonely] = start + np.arange(len(lonely))
        keep[:] = True

    outdeg = np.bincount(src, minlength=n)
    indeg = np.bincount(tgt, minlength=n)
    # a link continues a tracklet when it is the only link out of its source and into its target
    cont = (outdeg[src] == 1) & (indeg[tgt] == 1)
    nxt = np.full(n, -1, np.int64)
    nxt[src[cont]] = tgt[cont]
    has_prev = np.zeros(n, bool)
    has_prev[tgt[cont]] = True

    # walk each chain from its first spot
    kept_idx = np.flatnonzero(keep)
    starts = kept_idx[~has_prev[kept_idx]]
    chain_of = np.full(n, -1, np.int64)
    chains: list[np.ndarray] = []
    for k, s in enumerate(starts):
        members = [s]
        j = nxt[s]
        while j >= 0:
            members.append(j)
            j = nxt[j]
        arr = np.asarray(members, dtype=np.int64)
        chain_of[arr] = k
        chains.append(arr)
    # stable tracklet ids: 1, 2, ... in order of (track id, start frame, first spot id)
    first_spot = np.array([c[0] for c in chains], dtype=np.int64)
    last_spot = np.array([c[-1] for c in chains], dtype=np.int64)
    rank = np.lexsort((ids[first_spot], frames_all[first_spot], track_of[first_spot]))
    tracklet_id_of_chain = np.empty(len(chains), np.int64)
    tracklet_id_of_chain[rank] = np.arange(1, len(chains) + 1)
    tracklet_of = np.full(n, -1, np.int64)
    tracklet_of[keep] = tracklet_id_of_chain[chain_of[keep]]

    # links between tracklets: every link that does not continue a tracklet
    lsrc, ltgt = src[~cont], tgt[~cont]
    links = pd.DataFrame(
        {
            "parent_id": tracklet_of[lsrc],
            "child_id": tracklet_of[ltgt],
            "parent_spot_id": ids[lsrc],
            "child_spot_id": ids[ltgt],
            "kind": np.where(outdeg[lsrc] > 1, "division", "merge"),
        }
    )
    links = links.sort_values(["child_id", "parent_id"], kind="stable").reset_index(drop=True)

    # spots table
    positions = {}
    for key, name in _POSITIONS.items():
        positions[name] = (
            spots[key].to_numpy(np.float64) if key in spots.columns else np.zeros(len(spots))
        )
    if "POSITION_T" in spots.columns and np.isfinite(spots["POSITION_T"].to_numpy()[keep]).all():
        times = spots["POSITION_T"].to_numpy(np.float64)
    elif time_interval is not None:
        times = frames_all * float(time_interval)
    else:
        times = frames_all.astype(np.float64)
        time_units = "frame"
    table = pd.DataFrame(
        {
            "spot_id": ids,
            "tracklet_id": tracklet_of,
            "track_id": track_of,
            "frame": frames_all,
            "t": times,
            **positions,
        }
    )
    skip = {"id", "frame", "FRAME", "name", "POSITION_T", *_POSITIONS}
    extra = [c for c in spots.columns if c not in skip and pd.api.types.is_numeric_dtype(spots[c])]
    extra = [c for c in extra if c not in table.columns]
    table = pd.concat([table, spots[extra].reset_index(drop=True)], axis=1)
    table = table[keep].sort_values(["tracklet_id", "frame"], kind="stable")
    prev_frame = table.groupby("tracklet_id")["frame"].shift()
    gaps = (table["frame"] - prev_frame).fillna(0).astype(np.int64)
    table.insert(table.columns.get_loc("x") + 1, "frames_since_previous", gaps)
    table = table.reset_index(drop=True)

    # tracklets table
    tids = tracklet_id_of_chain
    per = table.groupby("tracklet_id")
    nt = len(chains)
    out_first = first_spot[np.argsort(tids)]
    out_last = last_spot[np.argsort(tids)]
    parents: dict[int, list[int]] = {}
    children: dict[int, list[int]] = {}
    for p, c in zip(links["parent_id"].tolist(), links["child_id"].tolist(), strict=True):
        parents.setdefault(c, []).append(p)
        children.setdefault(p, []).append(c)
    tracklet_ids = np.arange(1, nt + 1, dtype=np.int64)
    start_frame = frames_all[out_first]
    generation = np.zeros(nt, np.int64)
    for i in np.argsort(start_frame, kind="stable"):
        tid = int(tracklet_ids[i])
        gens = [
            generation[p - 1] + (1 if len(children.get(p, [])) > 1 else 0)
            for p in parents.get(tid, [])
        ]
        generation[i] = max(gens) if gens else 0
    start_kind = np.where(
        indeg[out_first] == 0, "root", np.where(indeg[out_first] > 1, "merge", "division")
    )
    end_kind = np.where(
        outdeg[out_last] == 0, "leaf", np.where(outdeg[out_last] > 1, "division", "merge")
    )
    tracklets = pd.DataFrame(
        {
            "tracklet_id": tracklet_ids,
            "track_id": track_of[out_first],
            "generation": generation,
            "parent_ids": [tuple(sorted(parents.get(int(t), []))) for t in tracklet_ids],
            "children_ids": [tuple(sorted(children.get(int(t), []))) for t in tracklet_ids],
            "start_frame": start_frame,
            "end_frame": frames_all[out_last],
            "start_t": times[out_first],
            "end_t": times[out_last],
            "n_spots": per.size().reindex(tracklet_ids).to_numpy(np.int64),
            "n_gaps": (table["frames_since_previous"] > 1)
            .groupby(table["tracklet_id"])
            .sum()
            .reindex(tracklet_ids, fill_value=0)
            .to_numpy(np.int64),
            "first_spot_id": ids[out_first],
            "last_spot_id": ids[out_last],
            "start": start_kind,
            "end": end_kind,
        }
    )

    # tracks table
    kept_spots = np.flatnonzero(keep)
    div = (outdeg > 1)[kept_spots]
    mer = (indeg > 1)[kept_spots]
    by_track = pd.DataFrame(
        {"track_id": track_of[kept_spots], "div": div, "mer": mer, "frame": frames_all[kept_spots]}
    ).groupby("track_id")
    track_table = pd.DataFrame(
        {
            "n_tracklets": tracklets.groupby("track_id").size(),
            "n_spots": by_track.size(),
            "n_divisions": by_track["div"].sum(),
            "n_merges": by_track["mer"].sum(),
            "n_gaps": tracklets.groupby("track_id")["n_gaps"].sum(),
            "start_frame": by_track["frame"].min(),
            "end_frame": by_track["frame"].max(),
        }
    )
    track_table.index.name = "track_id"
    track_table = track_table.reset_index().astype(np.int64)
    track_table.insert(5, "dividing", track_table["n_divisions"] > 0)
    if tracks is not None and len(tracks) and "track_id" in tracks.columns:
        cols = [
            c
            for c in tracks.columns
            if c not in track_table.columns and pd.api.types.is_numeric_dtype(tracks[c])
        ]
        track_table = track_table.merge(tracks[["track_id", *cols]], on="track_id", how="left")
    return Lineage(
        spots=table,
        tracklets=tracklets,
        links=links,
        tracks=track_table,
        space_units=space_units,
        time_units=time_units,
        time_interval=None if time_interval is None else float(time_interval),
    )


def lineage_from_trackmate(
    data,
    *,
    lonely_spots: bool = False,
    time_interval: float | None = None,
    time_units: str | None = None,
) -> Lineage:
    """:func:`build_lineage` of a :class:`volltrack.io.TrackMateData`.

    Parameters
    ----------
    data : TrackMateData
    lonely_spots : bool
        See :func:`build_lineage`.
    time_interval, time_units : optional
        Replace the file's frame times: ``t = frame × time_interval`` in ``time_units``
        (default ``"s"``). Without them, times are the file's ``POSITION_T`` in its time units.
    """
    spots = data.spots
    if time_interval is not None:
        spots = spots.drop(columns=["POSITION_T"], errors="ignore")
        time_units = time_units or "s"
    else:
        time_interval, time_units = data.time_interval, data.time_units
    try:
        return build_lineage(
            spots,
            data.edges,
            data.tracks,
            time_interval=time_interval,
            space_units=data.space_units,
            time_units=time_units,
            lonely_spots=lonely_spots,
        )
    except InputError as exc:  # name the file the graph came from
        raise InputError(f"{data.path}: {exc}") from None


def to_napari_tracks(
    lineage: Lineage,
) -> tuple[np.ndarray, dict[int, list[int]], pd.DataFrame]:
    """The arguments of :class:`napari.layers.Tracks` for a lineage.

    Returns
    -------
    data : ndarray of float64, shape (N, 5)
        One row per spot, columns (tracklet id, frame, z, y, x), sorted by (id, frame) as napari
        keeps them. Positions are in ``lineage.space_units`` (physical), so show images with
        ``scale=voxel_size`` and give the tracks no scale. No spot appears twice: a division
        is drawn by the graph, from the mother's last spot to each daughter's first.
    graph : dict
        Child tracklet id → [parent tracklet ids] (two parents for a merge).
    features : DataFrame
        One row per row of ``data``: ``spot_id``, ``track_id``, ``generation``, ``t``,
        ``frames_since_previous`` and every numeric spot feature.
    """
    spots = lineage.spots
    data = np.column_stack(
        [
            spots["tracklet_id"].to_numpy(np.float64),
            spots["frame"].to_numpy(np.float64),
            spots["z"].to_numpy(np.float64),
            spots["y"].to_numpy(np.float64),
            spots["x"].to_numpy(np.float64),
        ]
    ).reshape(-1, 5)
    gen = lineage.tracklets.set_index("tracklet_id")["generation"]
    features = spots.drop(columns=["tracklet_id", "frame", "z", "y", "x"]).copy()
    features.insert(2, "generation", gen.reindex(spots["tracklet_id"]).to_numpy(np.int64))
    features = features.reset_index(drop=True)
    return data, lineage.graph, features


def add_spot_features(lineage: Lineage, features: pd.DataFrame) -> Lineage:
    """A copy of ``lineage`` whose spots have the extra columns of ``features``.

    Parameters
    ----------
    lineage : Lineage
    features : DataFrame
        ``spot_id`` and new numeric columns (e.g. :func:`measure_spot_intensity`); spots it lacks
        get NaN. A column the spots already have is an error.
    """
    import dataclasses

    if "spot_id" not in features.columns:
        raise InputError("features: column 'spot_id' is missing")
    clash = [c for c in features.columns if c != "spot_id" and c in lineage.spots.columns]
    if clash:
        raise InputError(f"features: the spots already have a column {clash[0]!r}")
    spots = lineage.spots.merge(features, on="spot_id", how="left", validate="one_to_one")
    return dataclasses.replace(lineage, spots=spots)
