"""Link and division scores against CTC ground truth, on hand-made lineages."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from volltrack import VolltrackError
from volltrack.evaluation import link_scores

# Track 1 in frames 0-2 divides into 2 and 3 (frames 3-4); track 4 lives in frames 0-1, is missed
# in frame 2 and comes back as track 5 (a gap: parent 4) in frames 3-4.
GT = pd.DataFrame(
    [(1, 0, 2, 0), (2, 3, 4, 1), (3, 3, 4, 1), (4, 0, 1, 0), (5, 3, 4, 4)],
    columns=["label", "start", "end", "parent"],
)
CELLS = [(lab, t) for lab, s, e, _p in GT.itertuples(index=False) for t in range(s, e + 1)]
SPOTS = pd.DataFrame(
    {"id": range(len(CELLS)), "frame": [t for _, t in CELLS], "LABEL": [lab for lab, _ in CELLS]}
)
ID = {cell: i for i, cell in enumerate(CELLS)}


def edges(*pairs):
    return pd.DataFrame(
        [(ID[a], ID[b]) for a, b in pairs], columns=["source", "target"], dtype="int64"
    )


PERFECT = [
    ((1, 0), (1, 1)), ((1, 1), (1, 2)), ((1, 2), (2, 3)), ((1, 2), (3, 3)),
    ((2, 3), (2, 4)), ((3, 3), (3, 4)), ((4, 0), (4, 1)), ((4, 1), (5, 3)), ((5, 3), (5, 4)),
]  # fmt: skip


def test_perfect_tracking():
    s = link_scores(SPOTS, edges(*PERFECT), GT)
    assert (s.gt_links, s.predicted_links, s.correct_links) == (9, 9, 9)
    assert (s.gt_divisions, s.predicted_divisions, s.correct_divisions) == (1, 1, 1)
    assert s.link_precision == s.link_recall == s.link_f1 == s.division_f1 == 1.0


def test_missed_division_and_gap_and_a_wrong_link():
    # daughter 3 not attached, the gap not closed, and track 4 wrongly joined to daughter 3
    predicted = [p for p in PERFECT if p not in [((1, 2), (3, 3)), ((4, 1), (5, 3))]]
    predicted.append(((4, 1), (3, 3)))
    s = link_scores(SPOTS, edges(*predicted), GT)
    assert (s.gt_links, s.predicted_links, s.correct_links) == (9, 8, 7)
    assert s.link_precision == pytest.approx(7 / 8)
    assert s.link_recall == pytest.approx(7 / 9)
    assert s.link_f1 == pytest.approx(14 / 17)
    assert (s.predicted_divisions, s.correct_divisions) == (0, 0)
    assert s.division_f1 == 0.0


def test_no_links_gives_nan_precision():
    s = link_scores(SPOTS, edges(), GT)
    assert s.predicted_links == 0 and math.isnan(s.link_precision) and s.link_recall == 0.0


def test_missing_columns_are_named():
    with pytest.raises(VolltrackError, match=r"spots: missing column\(s\) \['LABEL'\]"):
        link_scores(SPOTS.drop(columns="LABEL"), edges(*PERFECT), GT)
