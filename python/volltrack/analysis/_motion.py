"""Motion of cells: steps, speed, displacement, directional change and mean squared displacement.

Everything is computed from the spots' own times (``t``), so a gap-closed link that spans two
frames counts as two frame intervals, and positions are in the lineage's calibrated units.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from volltrack.analysis._lineage import Lineage

__all__ = ["ensemble_msd", "msd", "spot_motion", "track_motion", "tracklet_motion"]

_XYZ = ["x", "y", "z"]


def _previous_rows(lineage: Lineage) -> np.ndarray:
    """Row (in ``lineage.spots``) of each spot's predecessor, -1 for none or several.

    Inside a tracklet the predecessor is the previous spot; a tracklet's first spot has its
    parent's last spot when it has exactly one parent (a daughter), none after a merge.
    """
    spots = lineage.spots
    n = len(spots)
    tracklet = spots["tracklet_id"].to_numpy()
    prev = np.arange(n) - 1
    first = np.ones(n, bool)
    first[1:] = tracklet[1:] != tracklet[:-1]
    prev[first] = -1
    if n and len(lineage.links):
        row_of = pd.Series(np.arange(n), index=spots["spot_id"].to_numpy())
        links = lineage.links
        n_parents = links["child_id"].map(links["child_id"].value_counts())
        one_parent = links[n_parents == 1]
        child_rows = row_of.reindex(one_parent["child_spot_id"].to_numpy()).to_numpy()
        parent_rows = row_of.reindex(one_parent["parent_spot_id"].to_numpy()).to_numpy()
        prev[child_rows] = parent_rows
    return prev


def spot_motion(lineage: Lineage) -> pd.DataFrame:
    """Per spot: the step from its predecessor, speed, displacement and directional change.

    Parameters
    ----------
    lineage : Lineage

    Returns
    -------
    DataFrame
        One row per spot of ``lineage.spots`` (same order): ``spot_id``, ``tracklet_id``,
        ``track_id``, ``frame``, ``t``; ``dt`` (time since the predecessor: the previous spot of
        the tracklet, or the mother's last spot for a daughter's first spot; NaN for a root or
        after a merge), ``dx``, ``dy``, ``dz``, ``step`` (length of the step), ``speed``
        (step / dt), ``displacement`` (distance from the tracklet's first spot),
        ``path_length`` (distance travelled since the tracklet's first spot),
        ``directional_change`` (angle in radians between this step and the predecessor's
        step, 0 to π) and ``directional_change_rate`` (that angle / dt).
    """
    spots = lineage.spots
    prev = _previous_rows(lineage)
    has = prev >= 0
    pos = spots[_XYZ].to_numpy(np.float64)
    t = spots["t"].to_numpy(np.float64)
    step_vec = np.full((len(spots), 3), np.nan)
    dt = np.full(len(spots), np.nan)
    step_vec[has] = pos[has] - pos[prev[has]]
    dt[has] = t[has] - t[prev[has]]
    step = np.linalg.norm(step_vec, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = step / dt
    # angle between this step and the predecessor's step
    angle = np.full(len(spots), np.nan)
    both = np.zeros(len(spots), bool)
    both[has] = prev[prev[has]] >= 0
    if both.any():
        a = step_vec[prev[both]]
        b = step_vec[both]
        na = np.linalg.norm(a, axis=1)
        nb = np.linalg.norm(b, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = np.einsum("ij,ij->i", a, b) / (na * nb)
        angle[both] = np.arccos(np.clip(cos, -1.0, 1.0))
    tracklet = spots["tracklet_id"].to_numpy()
    first_row = pd.Series(np.arange(len(spots))).groupby(tracklet).transform("min").to_numpy()
    displacement = np.linalg.norm(pos - pos[first_row], axis=1) if len(spots) else np.zeros(0)
    within = np.where(has & (first_row != np.arange(len(spots))), step, 0.0)
    path = pd.Series(within).groupby(tracklet).cumsum().to_numpy()
    out = spots[["spot_id", "tracklet_id", "track_id", "frame", "t"]].copy()
    out["dt"] = dt
    out["dx"], out["dy"], out["dz"] = step_vec[:, 0], step_vec[:, 1], step_vec[:, 2]
    out["step"] = step
    out["speed"] = speed
    out["displacement"] = displacement
    out["path_length"] = path
    out["directional_change"] = angle
    with np.errstate(invalid="ignore", divide="ignore"):
        out["directional_change_rate"] = angle / dt
    return out


def tracklet_motion(lineage: Lineage, motion: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per tracklet: duration, path length, net displacement, speeds, straightness.

    Parameters
    ----------
    lineage : Lineage
    motion : DataFrame, optional
        :func:`spot_motion` of ``lineage`` (computed when not given).

    Returns
    -------
    DataFrame
        ``tracklet_id``, ``track_id``, ``generation``, ``n_spots``, ``duration`` (end − start
        time), ``path_length`` (sum of the steps inside the tracklet), ``net_displacement``
        (first to last spot), ``mean_speed`` (path_length / duration; NaN for one spot),
        ``max_speed`` and ``median_speed`` (of the steps inside the tracklet),
        ``straightness`` (net_displacement / path_length), ``mean_directional_change``.
    """
    if motion is None:
        motion = spot_motion(lineage)
    tl = lineage.tracklets
    inside = (
        motion["spot_id"].to_numpy()
        != motion.groupby("tracklet_id")["spot_id"].transform("first").to_numpy()
    )
    steps = motion[inside]
    g = steps.groupby("tracklet_id")
    ids = tl["tracklet_id"].to_numpy()
    last = motion.groupby("tracklet_id")["displacement"].last().reindex(ids).to_numpy()
    path = g["step"].sum().reindex(ids, fill_value=0.0).to_numpy()
    duration = (tl["end_t"] - tl["start_t"]).to_numpy(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_speed = np.where(duration > 0, path / duration, np.nan)
        straight = np.where(path > 0, last / path, np.nan)
    return pd.DataFrame(
        {
            "tracklet_id": ids,
            "track_id": tl["track_id"].to_numpy(),
            "generation": tl["generation"].to_numpy(),
            "n_spots": tl["n_spots"].to_numpy(),
            "duration": duration,
            "path_length": path,
            "net_displacement": last,
            "mean_speed": mean_speed,
            "max_speed": g["speed"].max().reindex(ids).to_numpy(),
            "median_speed": g["speed"].median().reindex(ids).to_numpy(),
            "straightness": straight,
            "mean_directional_change": g["directional_change"].mean().reindex(ids).to_numpy(),
        }
    )


def track_motion(lineage: Lineage, motion: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per track: duration, total path length (every link, divisions included), speeds.

    Returns
    -------
    DataFrame
        ``track_id``, ``dividing``, ``n_divisions``, ``n_spots``, ``duration`` (last − first
        time), ``path_length`` (sum of all steps, the links into daughters included),
        ``mean_speed`` (mean of the step speeds), ``max_speed``,
        ``max_distance_from_root`` (largest distance of a spot from the track's first spot).
    """
    if motion is None:
        motion = spot_motion(lineage)
    tracks = lineage.tracks
    ids = tracks["track_id"].to_numpy()
    g = motion.groupby("track_id")
    spots = lineage.spots
    start = spots.loc[spots.groupby("track_id")["t"].idxmin(), ["track_id", *_XYZ]]
    start = start.set_index("track_id").reindex(spots["track_id"]).to_numpy()
    far = np.linalg.norm(spots[_XYZ].to_numpy() - start, axis=1)
    far = pd.Series(far).groupby(spots["track_id"].to_numpy()).max()
    return pd.DataFrame(
        {
            "track_id": ids,
            "dividing": tracks["dividing"].to_numpy(),
            "n_divisions": tracks["n_divisions"].to_numpy(),
            "n_spots": tracks["n_spots"].to_numpy(),
            "duration": (g["t"].max() - g["t"].min()).reindex(ids).to_numpy(),
            "path_length": g["step"].sum().reindex(ids, fill_value=0.0).to_numpy(),
            "mean_speed": g["speed"].mean().reindex(ids).to_numpy(),
            "max_speed": g["speed"].max().reindex(ids).to_numpy(),
            "max_distance_from_root": far.reindex(ids).to_numpy(),
        }
    )


def msd(lineage: Lineage) -> pd.DataFrame:
    """Lag-averaged mean squared displacement of every tracklet.

    For each tracklet, every pair of its spots (i < j) contributes the squared distance between
    them at the lag ``frame_j − frame_i``; the MSD at a lag is the mean over all such pairs, so a
    tracklet of n spots without gaps gives n − k pairs at lag k. Pairs across a gap count at
    their true lag, and the lag time is the mean of the pairs' true time differences.

    Returns
    -------
    DataFrame
        ``tracklet_id``, ``lag_frames`` (int64, ≥ 1), ``lag`` (time), ``msd`` (squared space
        units), ``n_pairs``.
    """
    spots = lineage.spots
    frames = spots["frame"].to_numpy()
    t = spots["t"].to_numpy(np.float64)
    pos = spots[_XYZ].to_numpy(np.float64)
    tracklet = spots["tracklet_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, tracklet[1:] != tracklet[:-1], True])
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("tracklet_id", "lag_frames", "lag",
                                                         "msd", "n_pairs")}  # fmt: skip
    for a, b in itertools.pairwise(bounds):
        if b - a < 2:
            continue
        i, j = np.triu_indices(b - a, k=1)
        lag = frames[a:b][j] - frames[a:b][i]
        n_pairs = np.bincount(lag)
        present = np.flatnonzero(n_pairs)
        count = n_pairs[present]
        d2 = np.sum((pos[a:b][j] - pos[a:b][i]) ** 2, axis=1)
        tau = t[a:b][j] - t[a:b][i]
        cols["tracklet_id"].append(np.full(len(present), tracklet[a], np.int64))
        cols["lag_frames"].append(present.astype(np.int64))
        cols["lag"].append(np.bincount(lag, weights=tau)[present] / count)
        cols["msd"].append(np.bincount(lag, weights=d2)[present] / count)
        cols["n_pairs"].append(count.astype(np.int64))
    dtypes = {"tracklet_id": np.int64, "lag_frames": np.int64, "lag": np.float64,
              "msd": np.float64, "n_pairs": np.int64}  # fmt: skip
    out = pd.DataFrame(
        {
            k: np.concatenate(v).astype(dtypes[k]) if v else np.zeros(0, dtypes[k])
            for k, v in cols.items()
        }
    )
    return out


def ensemble_msd(per_tracklet: pd.DataFrame) -> pd.DataFrame:
    """MSD pooled over tracklets: every pair of every tracklet weighs the same.

    Parameters
    ----------
    per_tracklet : DataFrame
        :func:`msd` output (optionally restricted to some tracklets).

    Returns
    -------
    DataFrame
        ``lag_frames``, ``lag``, ``msd``, ``n_pairs``, ``n_tracklets``.
    """
    w = per_tracklet["n_pairs"]
    frame = per_tracklet.assign(wd2=per_tracklet["msd"] * w, wlag=per_tracklet["lag"] * w)
    g = frame.groupby("lag_frames")
    n = g["n_pairs"].sum()
    out = pd.DataFrame(
        {
            "lag": g["wlag"].sum() / n,
            "msd": g["wd2"].sum() / n,
            "n_pairs": n,
            "n_tracklets": g["tracklet_id"].nunique(),
        }
    )
    return out.reset_index().astype({"lag_frames": np.int64, "n_pairs": np.int64})
