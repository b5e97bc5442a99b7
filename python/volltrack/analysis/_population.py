"""Population statistics over time, and where daughters start relative to their mother."""

from __future__ import annotations

import numpy as np
import pandas as pd

from volltrack.analysis._lineage import Lineage

__all__ = ["division_localisation", "population_over_time"]


def population_over_time(
    lineage: Lineage,
    motion: pd.DataFrame | None = None,
    distances: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Counts and means per frame over the whole population of tracked cells.

    Parameters
    ----------
    lineage : Lineage
    motion : DataFrame, optional
        :func:`spot_motion` of ``lineage``, for the speed columns.
    distances : DataFrame, optional
        :func:`boundary_distance` of ``lineage``, for the boundary columns.

    Returns
    -------
    DataFrame
        One row per frame from the first to the last frame with a spot: ``frame``, ``t``
        (mean spot time; NaN in a frame without spots), ``n_cells`` (spots), ``n_tracks``,
        ``n_tracklets`` (present in that frame), ``n_divisions`` (mothers dividing at that
        frame: the frame of their last spot), ``n_merges``, ``n_track_starts``,
        ``n_track_ends``; with ``motion``: ``mean_speed``, ``median_speed``, ``std_speed``;
        with ``distances``: ``mean_distance_to_boundary``, ``fraction_inside``.
    """
    spots = lineage.spots
    tl = lineage.tracklets
    tracks = lineage.tracks
    if len(spots):
        frames = np.arange(spots["frame"].min(), spots["frame"].max() + 1)
    else:
        frames = np.zeros(0, np.int64)
    g = spots.groupby("frame")

    def count(values: pd.Series) -> np.ndarray:
        return values.value_counts().reindex(frames, fill_value=0).to_numpy(np.int64)

    out = pd.DataFrame(
        {
            "frame": frames,
            "t": g["t"].mean().reindex(frames).to_numpy(),
            "n_cells": g.size().reindex(frames, fill_value=0).to_numpy(np.int64),
            "n_tracks": g["track_id"].nunique().reindex(frames, fill_value=0).to_numpy(np.int64),
            "n_tracklets": g["tracklet_id"].nunique().reindex(frames, fill_value=0).to_numpy(),
            "n_divisions": count(tl.loc[tl["end"] == "division", "end_frame"]),
            "n_merges": count(tl.loc[tl["start"] == "merge", "start_frame"]),
            "n_track_starts": count(tracks["start_frame"]),
            "n_track_ends": count(tracks["end_frame"]),
        }
    )
    if motion is not None:
        m = motion.groupby("frame")["speed"]
        out["mean_speed"] = m.mean().reindex(frames).to_numpy()
        out["median_speed"] = m.median().reindex(frames).to_numpy()
        out["std_speed"] = m.std().reindex(frames).to_numpy()
    if distances is not None:
        d = distances.groupby("frame")
        out["mean_distance_to_boundary"] = d["distance_to_boundary"].mean().reindex(frames)
        out["fraction_inside"] = d["inside"].mean().reindex(frames).to_numpy()
    return out


def division_localisation(lineage: Lineage, distances: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where each daughter starts relative to where its mother ended.

    Parameters
    ----------
    lineage : Lineage
    distances : DataFrame, optional
        :func:`boundary_distance` of ``lineage``: adds the boundary distances at both ends.

    Returns
    -------
    DataFrame
        One row per (mother, daughter) of every division: ``track_id``, ``mother_id``,
        ``daughter_id`` (tracklet ids), ``mother_end_frame``, ``daughter_start_frame``,
        ``mother_end_z/y/x``, ``daughter_start_z/y/x``, ``distance`` (mother's last spot to
        the daughter's first spot, space units), ``sister_distance`` (between the first spots
        of the daughters, for two daughters); with ``distances``:
        ``mother_end_distance_to_boundary``, ``daughter_start_distance_to_boundary``.
    """
    links = lineage.links[lineage.links["kind"] == "division"]
    pos = lineage.spots.set_index("spot_id")[["frame", "z", "y", "x", "track_id"]]
    mother = pos.reindex(links["parent_spot_id"].to_numpy())
    daughter = pos.reindex(links["child_spot_id"].to_numpy())
    out = pd.DataFrame(
        {
            "track_id": mother["track_id"].to_numpy(np.int64),
            "mother_id": links["parent_id"].to_numpy(np.int64),
            "daughter_id": links["child_id"].to_numpy(np.int64),
            "mother_end_frame": mother["frame"].to_numpy(np.int64),
            "daughter_start_frame": daughter["frame"].to_numpy(np.int64),
        }
    )
    for axis in "zyx":
        out[f"mother_end_{axis}"] = mother[axis].to_numpy()
    for axis in "zyx":
        out[f"daughter_start_{axis}"] = daughter[axis].to_numpy()
    m = mother[["z", "y", "x"]].to_numpy()
    d = daughter[["z", "y", "x"]].to_numpy()
    out["distance"] = np.linalg.norm(d - m, axis=1) if len(out) else np.zeros(0)
    # sisters: the other daughters of the same mother (two daughters: one distance)
    sister = np.full(len(out), np.nan)
    for _, rows in out.groupby("mother_id").groups.items():
        idx = np.asarray([out.index.get_loc(r) for r in rows])
        if len(idx) == 2:
            sister[idx] = np.linalg.norm(d[idx[0]] - d[idx[1]])
    out["sister_distance"] = sister
    if distances is not None:
        dist = distances.set_index("spot_id")["distance_to_boundary"]
        out["mother_end_distance_to_boundary"] = dist.reindex(
            links["parent_spot_id"].to_numpy()
        ).to_numpy()
        out["daughter_start_distance_to_boundary"] = dist.reindex(
            links["child_spot_id"].to_numpy()
        ).to_numpy()
    return out
