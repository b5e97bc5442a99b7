"""Tracking scores of a CTC result against CTC ground truth (py-ctcmetrics + link scores)."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from volltrack._errors import InputError
from volltrack.evaluation._links import LinkScores, link_scores

__all__ = ["TrackingScores", "evaluate_tracking", "find_ctc_ground_truth"]


@dataclass(frozen=True)
class TrackingScores:
    """Cell Tracking Challenge scores of one result. Every field always exists.

    Attributes
    ----------
    valid : bool
        py-ctcmetrics' validity check of the result; when False every score is NaN.
    det, tra, lnk : float
        CTC detection, tracking (1 − AOGM/AOGM₀) and linking scores (py-ctcmetrics).
    aogm, aogm_0 : float
        The acyclic-oriented-graph-matching cost and the cost of an empty result.
    aogm_ns, aogm_fn, aogm_fp, aogm_ed, aogm_ea, aogm_ec : int
        Counts of the AOGM operations: node splits, false negative and false positive nodes,
        edges deleted, added and with a wrong semantic.
    ct, tf, cca : float
        Complete tracks, track fractions, cell-cycle accuracy (NaN when undefined, e.g. CCA
        without complete cell cycles).
    gt_divisions, division_tp, division_fp, division_fn : int
        Divisions in the ground truth and the result's true positive, false positive and false
        negative divisions (py-ctcmetrics, frame tolerance 0).
    division_f1 : float
        BC(0), the F1 score of those divisions (NaN when there are none anywhere).
    links : LinkScores or None
        None when the result is not valid. Link-level counts: result cells are matched to
        ground-truth cells as py-ctcmetrics matches them (> 50 % of the reference voxels), then
        every link of the result is compared with the ground-truth links
        (:func:`volltrack.evaluation.link_scores`).
    """

    valid: bool
    det: float
    tra: float
    lnk: float
    aogm: float
    aogm_0: float
    aogm_ns: int
    aogm_fn: int
    aogm_fp: int
    aogm_ed: int
    aogm_ea: int
    aogm_ec: int
    ct: float
    tf: float
    cca: float
    gt_divisions: int
    division_tp: int
    division_fp: int
    division_fn: int
    division_f1: float
    links: LinkScores | None

    def as_dict(self) -> dict[str, float | int | bool]:
        """Flat ``name -> value`` view, with the link scores as ``link_*`` entries."""
        out = {k: v for k, v in asdict(self).items() if k != "links"}
        lk = self.links
        if lk is None:
            return out
        out.update(
            link_precision=lk.link_precision,
            link_recall=lk.link_recall,
            link_f1=lk.link_f1,
            link_division_f1=lk.division_f1,
            gt_links=lk.gt_links,
            predicted_links=lk.predicted_links,
            correct_links=lk.correct_links,
        )
        return out


def find_ctc_ground_truth(gt_dir: str | os.PathLike[str]) -> Path:
    """The ``NN_GT`` folder, given it or its ``TRA`` sub-folder (with ``TRA/man_track.txt``)."""
    gt = Path(gt_dir)
    if gt.name == "TRA" and (gt / "man_track.txt").is_file():
        gt = gt.parent
    if not (gt / "TRA" / "man_track.txt").is_file():
        raise InputError(f"{gt_dir}: no TRA/man_track.txt; expected a CTC ground-truth folder")
    return gt


def _number(value) -> float:
    return float("nan") if value is None else float(value)


def _matched_links(traj: dict, comp_tracks: np.ndarray, ref_tracks: np.ndarray) -> LinkScores:
    """Link scores of a CTC result whose cells are matched to the ground truth per frame."""
    rows, key = [], {}
    unmatched = -1
    for t, labels in enumerate(traj["labels_comp"]):
        match = dict(zip(traj["mapped_comp"][t], traj["mapped_ref"][t], strict=True))
        for c in labels:
            gt_label = match.get(c)
            if gt_label is None:  # no ground-truth cell: a label no ground-truth link has
                gt_label, unmatched = unmatched, unmatched - 1
            key[(int(c), t)] = len(rows)
            rows.append((len(rows), t, int(gt_label)))
    spots = pd.DataFrame(rows, columns=["id", "frame", "LABEL"], dtype="int64")
    edges = []
    ends = {int(r[0]): int(r[2]) for r in comp_tracks}
    for label, start, end, parent in comp_tracks.astype(np.int64).tolist():
        edges += [(key[(label, t)], key[(label, t + 1)]) for t in range(start, end)]
        if parent and (parent, ends.get(parent, -1)) in key and (label, start) in key:
            edges.append((key[(parent, ends[parent])], key[(label, start)]))
    edge_df = pd.DataFrame(edges, columns=["source", "target"], dtype="int64")
    gt = pd.DataFrame(ref_tracks.astype(np.int64), columns=["label", "start", "end", "parent"])
    return link_scores(spots, edge_df, gt)


def evaluate_tracking(
    gt_dir: str | os.PathLike[str], result_dir: str | os.PathLike[str]
) -> TrackingScores:
    """Score a CTC tracking result against CTC ground truth.

    Parameters
    ----------
    gt_dir : path-like
        The ``NN_GT`` folder (or its ``TRA`` folder): ``TRA/man_track.txt`` and
        ``TRA/man_trackTTT.tif``.
    result_dir : path-like
        The ``NN_RES`` folder: ``res_track.txt`` and ``maskTTT.tif``, one per ground-truth frame.

    Returns
    -------
    TrackingScores

    Raises
    ------
    InputError
        If py-ctcmetrics is missing, a folder lacks its track file or the numbers of frames
        differ.
    """
    try:
        from ctc_metrics.scripts.evaluate import calculate_metrics, load_data
        from ctc_metrics.utils.filesystem import parse_masks
    except ImportError:
        raise InputError("py-ctcmetrics is not installed (pip install 'volltrack[test]')") from None
    gt = find_ctc_ground_truth(gt_dir)
    res = Path(result_dir)
    if not (res / "res_track.txt").is_file():
        raise InputError(f"{res}: no res_track.txt; expected a CTC result folder")
    n_res, n_gt = len(parse_masks(str(res))), len(parse_masks(str(gt / "TRA")))
    if n_res != n_gt:
        raise InputError(f"{res}: {n_res} mask files, the ground truth has {n_gt} frames")
    metrics = ["Valid", "DET", "TRA", "LNK", "BC", "CT", "TF", "CCA"]
    with contextlib.redirect_stdout(io.StringIO()):
        comp, ref, traj, segm, _masks, is_valid = load_data(
            str(res), str(gt), trajectory_data=True, segmentation_data=False, threads=1
        )
        r = calculate_metrics(comp, ref, traj, segm, list(metrics), is_valid)
    nan = float("nan")
    if not is_valid:
        return TrackingScores(False, *(nan,) * 5, *(0,) * 6, nan, nan, nan, 0, 0, 0, 0, nan, None)
    links = _matched_links(traj, comp, ref)
    return TrackingScores(
        valid=True,
        det=_number(r["DET"]),
        tra=_number(r["TRA"]),
        lnk=_number(r["LNK"]),
        aogm=_number(r["AOGM"]),
        aogm_0=_number(r["AOGM_0"]),
        aogm_ns=int(r["AOGM_NS"]),
        aogm_fn=int(r["AOGM_FN"]),
        aogm_fp=int(r["AOGM_FP"]),
        aogm_ed=int(r["AOGM_ED"]),
        aogm_ea=int(r["AOGM_EA"]),
        aogm_ec=int(r["AOGM_EC"]),
        ct=_number(r["CT"]),
        tf=_number(r["TF"]),
        cca=_number(r["CCA"]),
        gt_divisions=int(r["gt_divisions"]),
        division_tp=int(r["tp_div(0)"]),
        division_fp=int(r["fp_div(0)"]),
        division_fn=int(r["fn_div(0)"]),
        division_f1=_number(r["BC(0)"]),
        links=links,
    )
