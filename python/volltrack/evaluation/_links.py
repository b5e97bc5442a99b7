"""Link and division scores of a tracking result whose spots carry ground-truth labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from volltrack._errors import InputError

__all__ = ["LinkScores", "link_scores"]


@dataclass(frozen=True)
class LinkScores:
    """Counts and scores of predicted links and divisions against the ground truth.

    A link is a pair of cells ``(label, frame) → (label, frame)``. Ground-truth links join the
    frames of one CTC track and a parent's last frame to each child's first frame (a division or a
    gap bridged by gap closing). A division is a cell with two or more outgoing links.
    """

    gt_links: int
    predicted_links: int
    correct_links: int
    gt_divisions: int
    predicted_divisions: int
    correct_divisions: int

    @staticmethod
    def _ratio(num: int, den: int) -> float:
        return num / den if den else float("nan")

    @property
    def link_precision(self) -> float:
        return self._ratio(self.correct_links, self.predicted_links)

    @property
    def link_recall(self) -> float:
        return self._ratio(self.correct_links, self.gt_links)

    @property
    def link_f1(self) -> float:
        return self._ratio(2 * self.correct_links, self.predicted_links + self.gt_links)

    @property
    def division_f1(self) -> float:
        return self._ratio(2 * self.correct_divisions, self.predicted_divisions + self.gt_divisions)


def _gt_links(tracks: pd.DataFrame) -> set[tuple[int, int, int, int]]:
    links = set()
    ends = dict(zip(tracks["label"], tracks["end"], strict=True))
    for label, start, end, parent in tracks[["label", "start", "end", "parent"]].itertuples(
        index=False
    ):
        links.update((label, t, label, t + 1) for t in range(start, end))
        if parent:
            links.add((parent, ends[parent], label, start))
    return links


def link_scores(
    spots: pd.DataFrame,
    edges: pd.DataFrame,
    gt_tracks: pd.DataFrame,
    *,
    label_column: str = "LABEL",
) -> LinkScores:
    """Score a tracking result made on ground-truth labels.

    Parameters
    ----------
    spots
        One row per spot with ``id``, ``frame`` and ``label_column`` (the ground-truth label the
        spot was measured from), e.g. :attr:`TrackMateGraph.spots` of BTrackmate run on labels.
    edges
        One row per link with ``source`` and ``target`` spot IDs.
    gt_tracks
        CTC tracks: ``label``, ``start``, ``end``, ``parent`` (0 for none), as in
        ``man_track.txt``.

    Returns
    -------
    LinkScores
    """
    for name, table, cols in (
        ("spots", spots, ["id", "frame", label_column]),
        ("edges", edges, ["source", "target"]),
        ("gt_tracks", gt_tracks, ["label", "start", "end", "parent"]),
    ):
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise InputError(f"{name}: missing column(s) {missing}; expected {cols}")
    if spots[label_column].isna().any():
        raise InputError(f"spots: column {label_column!r} has missing values")
    key = {
        int(i): (int(lab), int(f))
        for i, f, lab in spots[["id", "frame", label_column]].itertuples(index=False)
    }
    predicted = {
        key[int(s)] + key[int(t)] for s, t in edges[["source", "target"]].itertuples(index=False)
    }
    gt = _gt_links(gt_tracks.astype(dict.fromkeys(("label", "start", "end", "parent"), np.int64)))

    def divisions(links) -> set[tuple[int, int]]:
        out = pd.Series([link[:2] for link in links], dtype=object).value_counts()
        return set(out[out >= 2].index)

    gt_div = divisions(gt)
    pred_div = divisions(predicted)
    return LinkScores(
        gt_links=len(gt),
        predicted_links=len(predicted),
        correct_links=len(predicted & gt),
        gt_divisions=len(gt_div),
        predicted_divisions=len(pred_div),
        correct_divisions=len(pred_div & gt_div),
    )
