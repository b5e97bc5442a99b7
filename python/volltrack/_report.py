"""The pipeline report: one self-contained HTML file (figures embedded as base64 PNGs).

It shows the cells per frame, the divisions, the track-length histogram, example tracks (an XY
projection), evaluation scores when there are any, and the settings used (the TOML file).
Figures are drawn with matplotlib's Agg canvas (no display, no pyplot state).
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["report_summary", "write_report"]

#: how many tracks the example-tracks figure draws at most
N_EXAMPLE_TRACKS = 12


def _figure(width: float = 6.0, height: float = 3.2):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def report_summary(tracks_xml, cells_csv=None) -> dict[str, Any]:
    """The numbers the report shows, from a TrackMate XML (and the cell table).

    Returns
    -------
    dict
        ``cells_per_frame`` (list of int: rows of ``cells.csv`` per frame, else tracked spots),
        ``tracked_per_frame`` (spots in tracks per frame), ``n_tracks``, ``n_tracklets``,
        ``n_divisions``, ``divisions_per_frame`` (list of int), ``track_lengths`` (frames from
        first to last spot of each track), ``tracklet_lengths`` (spots per tracklet).
    """
    import pandas as pd

    from volltrack.analysis import lineage_from_trackmate
    from volltrack.io import read_trackmate

    data = read_trackmate(tracks_xml)
    lineage = lineage_from_trackmate(data)
    n_frames = 0
    if data.image_shape is not None:
        n_frames = int(data.image_shape[0])
    if len(data.spots):
        n_frames = max(n_frames, int(data.spots["frame"].max()) + 1)
    cells = None
    if cells_csv is not None and Path(cells_csv).is_file():
        cells = pd.read_csv(cells_csv, usecols=["frame"])
        if len(cells):
            n_frames = max(n_frames, int(cells["frame"].max()) + 1)
    frames = np.arange(n_frames)
    tracked = np.bincount(lineage.spots["frame"].to_numpy(np.int64), minlength=n_frames)
    counts = (
        np.bincount(cells["frame"].to_numpy(np.int64), minlength=n_frames)
        if cells is not None
        else np.bincount(data.spots["frame"].to_numpy(np.int64), minlength=n_frames)
    )
    tl = lineage.tracklets
    dividing = tl[tl["end"] == "division"]
    div_frames = np.bincount(dividing["end_frame"].to_numpy(np.int64), minlength=n_frames)
    tracks = lineage.tracks
    lengths = (tracks["end_frame"] - tracks["start_frame"] + 1).to_numpy(np.int64)
    return {
        "n_frames": int(n_frames),
        "frames": frames.tolist(),
        "cells_per_frame": counts[:n_frames].astype(int).tolist(),
        "tracked_per_frame": tracked[:n_frames].astype(int).tolist(),
        "n_tracks": len(tracks),
        "n_tracklets": len(tl),
        "n_divisions": len(dividing),
        "divisions_per_frame": div_frames[:n_frames].astype(int).tolist(),
        "track_lengths": lengths.tolist(),
        "tracklet_lengths": tl["n_spots"].to_numpy(np.int64).tolist(),
        "space_units": lineage.space_units or "µm",
        "_lineage": lineage,
    }


def _counts_figure(s: Mapping[str, Any]) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(s["frames"], s["cells_per_frame"], "o-", label="cells (cells.csv)")
    ax.plot(s["frames"], s["tracked_per_frame"], "s--", label="in tracks")
    ax2 = ax.twinx()
    ax2.bar(s["frames"], s["divisions_per_frame"], alpha=0.3, color="tab:red", label="divisions")
    ax2.set_ylabel("divisions")
    ax2.set_ylim(0, max([1, *s["divisions_per_frame"]]) + 0.5)
    from matplotlib.ticker import MaxNLocator

    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("frame")
    ax.set_ylabel("cells")
    ax.set_title("cells and divisions per frame")
    handles = ax.get_legend_handles_labels()
    h2 = ax2.get_legend_handles_labels()
    ax.legend(handles[0] + h2[0], handles[1] + h2[1], loc="lower right", fontsize=8)
    return _png(fig)


def _lengths_figure(s: Mapping[str, Any]) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    n = max(1, s["n_frames"])
    bins = np.arange(0.5, n + 1.5)
    ax.hist(s["track_lengths"], bins=bins, label="tracks (first to last frame)")
    ax.hist(s["tracklet_lengths"], bins=bins, histtype="step", lw=2, label="tracklets (spots)")
    ax.set_xlabel("length (frames)")
    ax.set_ylabel("count")
    ax.set_title("track length")
    ax.legend(fontsize=8)
    return _png(fig)


def _examples_figure(s: Mapping[str, Any]) -> str:
    lineage = s["_lineage"]
    fig = _figure(6.0, 5.0)
    ax = fig.add_subplot()
    tracks = lineage.tracks.assign(
        length=lineage.tracks["end_frame"] - lineage.tracks["start_frame"]
    )
    chosen = tracks.sort_values(
        ["n_divisions", "length", "track_id"], ascending=[False, False, True]
    )["track_id"].head(N_EXAMPLE_TRACKS)
    spots = lineage.spots
    by_id = spots.set_index("spot_id")
    colors = [f"C{i % 10}" for i in range(len(chosen))]
    for color, track_id in zip(colors, chosen, strict=True):
        tl = lineage.tracklets[lineage.tracklets["track_id"] == track_id]
        for _, row in tl.iterrows():
            pts = spots[spots["tracklet_id"] == row["tracklet_id"]].sort_values("frame")
            x, y = pts["x"].to_numpy(), pts["y"].to_numpy()
            for parent in row["parent_ids"]:  # join the tracklet to its mother's last spot
                last = lineage.tracklets.set_index("tracklet_id").loc[parent, "last_spot_id"]
                x = np.r_[by_id.loc[last, "x"], x]
                y = np.r_[by_id.loc[last, "y"], y]
            ax.plot(x, y, "-", color=color, lw=1.2)
            ax.plot(x[-1:], y[-1:], "o", color=color, ms=3)
            if row["end"] == "division":
                ax.plot(x[-1:], y[-1:], "*", color="k", ms=8)
    ax.set_aspect("equal", adjustable="datalim")
    ax.invert_yaxis()
    units = s["space_units"]
    ax.set_xlabel(f"x ({units})")
    ax.set_ylabel(f"y ({units})")
    ax.set_title(f"{len(chosen)} example tracks, XY projection (★ division)")
    return _png(fig)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "–" if not np.isfinite(value) else f"{value:.3f}"
    return html.escape(str(value))


def write_report(
    path: str | os.PathLike[str],
    *,
    tracks_xml: str | os.PathLike[str],
    cells_csv: str | os.PathLike[str] | None = None,
    config_text: str | None = None,
    scores: Mapping[str, Any] | None = None,
    stages: Sequence[Any] = (),
    title: str = "volltrack report",
) -> Path:
    """Write the self-contained HTML report (atomically) and return its path.

    Parameters
    ----------
    path : path-like
        The ``.html`` file to write.
    tracks_xml, cells_csv : path-like
        The pipeline's TrackMate XML and cell table.
    config_text : str, optional
        The settings used (the TOML text), shown verbatim.
    scores : mapping, optional
        Evaluation scores: ``{section: {name: value}}`` or ``{name: value}``.
    stages : sequence of StageRun, optional
        Which stages ran this time, and how long the run that made their outputs took.
    """
    from volltrack.io import write_text_atomic

    s = report_summary(tracks_xml, cells_csv)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;"
        "text-align:right}th{text-align:left}pre{background:#f4f4f4;padding:1em;"
        "overflow-x:auto}img{max-width:100%}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<h2>Summary</h2><table>",
        f"<tr><th>frames</th><td>{s['n_frames']}</td></tr>",
        f"<tr><th>cells (all frames)</th><td>{sum(s['cells_per_frame'])}</td></tr>",
        f"<tr><th>tracks</th><td>{s['n_tracks']}</td></tr>",
        f"<tr><th>tracklets</th><td>{s['n_tracklets']}</td></tr>",
        f"<tr><th>divisions</th><td>{s['n_divisions']}</td></tr>",
        "</table>",
        "<p>cells per frame: " + ", ".join(str(c) for c in s["cells_per_frame"]) + "</p>",
    ]
    if scores:
        parts.append("<h2 id='scores'>Evaluation against ground truth</h2>")
        sections = scores if all(isinstance(v, Mapping) for v in scores.values()) else {"": scores}
        for name, values in sections.items():
            if name:
                parts.append(f"<h3>{html.escape(name)}</h3>")
            parts.append("<table>")
            for key, value in values.items():
                parts.append(f"<tr><th>{html.escape(str(key))}</th><td>{_fmt(value)}</td></tr>")
            parts.append("</table>")
    parts += [
        "<h2>Cells and divisions per frame</h2>",
        f'<img alt="cells per frame" src="data:image/png;base64,{_counts_figure(s)}">',
        "<h2>Track lengths</h2>",
        f'<img alt="track length histogram" src="data:image/png;base64,{_lengths_figure(s)}">',
        "<h2>Example tracks</h2>",
        f'<img alt="example tracks" src="data:image/png;base64,{_examples_figure(s)}">',
    ]
    if stages:
        parts.append(
            "<h2>Stages</h2><table><tr><th>stage</th><th>this run</th>"
            "<th>time of the run that made its outputs (s)</th></tr>"
        )
        for st in stages:
            parts.append(
                f"<tr><th>{html.escape(st.stage)}</th><td>{html.escape(st.status)}</td>"
                f"<td>{st.seconds:.1f}</td></tr>"
            )
        parts.append("</table>")
    if config_text is not None:
        parts += ["<h2>Settings used</h2>", f"<pre>{html.escape(config_text)}</pre>"]
    parts.append(f"<p>Files: {html.escape(str(tracks_xml))}</p></body></html>")
    path = Path(path)
    write_text_atomic(path, "\n".join(parts) + "\n")
    return path
