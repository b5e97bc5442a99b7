"""Scores against ground truth.

* Segmentation: StarDist matching (AP = TP/(TP+FP+FN), precision, recall, F1, mean matched and
  true IoU, panoptic quality) at IoU thresholds τ, pooled and per image, plus Dice, NRMSE and SSIM
  of the binary masks (:func:`segmentation_scores`, :func:`evaluate_segmentation_files`).
* Tracking: CTC DET, TRA, LNK, CT, TF, CCA and division scores of a CTC result through
  py-ctcmetrics, plus link-level scores on the matched cells (:func:`evaluate_tracking`), and
  link- and division-level scores of a tracking result on ground-truth labels
  (:func:`link_scores`).

StarDist is imported only when segmentation scores are computed, so this package stays light.
"""

from volltrack.evaluation._links import LinkScores, link_scores
from volltrack.evaluation._segmentation import (
    DEFAULT_TAUS,
    MASK_METRICS,
    MATCHING_METRICS,
    SegmentationScores,
    average_precision,
    evaluate_segmentation_files,
    mask_scores,
    plot_segmentation_scores,
    read_label_pairs,
    segmentation_scores,
)
from volltrack.evaluation._tracking import (
    TrackingScores,
    evaluate_tracking,
    find_ctc_ground_truth,
)

__all__ = [
    "DEFAULT_TAUS",
    "MASK_METRICS",
    "MATCHING_METRICS",
    "LinkScores",
    "SegmentationScores",
    "TrackingScores",
    "average_precision",
    "evaluate_segmentation_files",
    "evaluate_tracking",
    "find_ctc_ground_truth",
    "link_scores",
    "mask_scores",
    "plot_segmentation_scores",
    "read_label_pairs",
    "segmentation_scores",
]
