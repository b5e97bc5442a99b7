"""Scores against ground truth.

* Tracking: CTC DET, TRA, LNK, CT, TF, CCA and division scores of a CTC result through
  py-ctcmetrics, plus link-level scores on the matched cells (:func:`evaluate_tracking`), and
  link- and division-level scores of a tracking result on ground-truth labels
  (:func:`link_scores`). Segmentation metrics are planned in issue #7.
"""

from volltrack.evaluation._links import LinkScores, link_scores
from volltrack.evaluation._tracking import (
    TrackingScores,
    evaluate_tracking,
    find_ctc_ground_truth,
)

__all__ = [
    "LinkScores",
    "TrackingScores",
    "evaluate_tracking",
    "find_ctc_ground_truth",
    "link_scores",
]
