"""Scores against ground truth.

Today: link- and division-level scores of a tracking result on ground-truth labels
(:func:`link_scores`). Segmentation metrics and CTC DET/TRA/LNK through py-ctcmetrics are planned in
issue #7.
"""

from volltrack.evaluation._links import LinkScores, link_scores

__all__ = ["LinkScores", "link_scores"]
