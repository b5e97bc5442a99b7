"""BTrackmate vs laptrack on the same random-walk movies: throughput, peak memory, edge agreement.

Not a test: timings are noisy, so this script records ratios measured in one run on one machine.

For each size it generates a 3D random-walk movie with divisions and missed detections (so gap
closing, splitting and merging all have work), writes it as ``cells.csv``, runs

* BTrackmate through its command line (``java -Xmx<heap> -jar btrackmate.jar``), and
* laptrack (``LapTrack`` with TrackMate-equivalent settings and
  ``alternative_cost_percentile_interpolation="higher"``),

and reports spots/s, peak resident memory and whether the two edge sets are identical.

laptrack's time is ``LapTrack.predict`` alone (coordinates already in memory); BTrackmate's is
reported twice: the whole command-line process (JVM start, CSV parsing, tracking, edge and track
features, writing the TrackMate XML) and the tracking step alone, timed from the CLI's progress
lines. ``speedup_tracking`` compares like with like; ``speedup_end_to_end`` is the conservative
figure.

Usage::

    .venv/bin/python benchmarks/lap_vs_laptrack.py --sizes 1e4 1e5 1e6 --laptrack-max 1e5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from volltrack._jars import find_jars  # noqa: E402

MAX_DISTANCE = 15.0
SETTINGS = {
    "LINKING_MAX_DISTANCE": MAX_DISTANCE,
    "ALLOW_GAP_CLOSING": True,
    "GAP_CLOSING_MAX_DISTANCE": MAX_DISTANCE,
    "MAX_FRAME_GAP": 2,
    "ALLOW_TRACK_SPLITTING": True,
    "SPLITTING_MAX_DISTANCE": MAX_DISTANCE,
    "ALLOW_TRACK_MERGING": True,
    "MERGING_MAX_DISTANCE": MAX_DISTANCE,
    "ALTERNATIVE_LINKING_COST_FACTOR": 1.05,
    "CUTOFF_PERCENTILE": 0.9,
}


def random_walk_movie(n_spots: int, seed: int = 0) -> pd.DataFrame:
    """Cells doing a 3D random walk in a box, dividing and disappearing now and then, sometimes
    not detected.

    About ``n_spots`` rows (id, frame, x, y, z). The number of cells stays about constant (1 % of
    the cells divide and 1 % disappear each frame), so the density, and with it the number of
    candidate links per cell, is the same at every size (1e6 spots: 2,000 cells x ~510 frames);
    cells are reflected at the walls of the box instead of piling up there.
    """
    rng = np.random.default_rng(seed)
    n_frames = int(np.clip(round(n_spots**0.45), 20, 500))
    n_cells = max(2, n_spots // n_frames)
    spacing = 20.0
    box = spacing * n_cells ** (1 / 3) * 1.5
    pos = rng.uniform(0, box, size=(n_cells, 3))
    rows = []
    frame = 0
    while sum(len(r) for r in rows) < n_spots and frame < 10 * n_frames:
        visible = rng.random(len(pos)) > 0.02  # 2 % missed detections
        rows.append(np.column_stack([np.full(visible.sum(), frame), pos[visible]]))
        pos = pos + rng.normal(0, 2.0, size=pos.shape)
        dividing = rng.random(len(pos)) < 0.01
        if dividing.any():
            offset = rng.normal(0, 3.0, size=(dividing.sum(), 3))
            pos = np.vstack([pos, pos[dividing] + offset])
            pos[np.flatnonzero(dividing)] -= offset
        pos = pos[rng.random(len(pos)) >= 0.01]  # 1 % disappear (die or leave)
        pos = box - np.abs(box - np.abs(pos))  # reflect at the walls
        frame += 1
    data = np.vstack(rows)[:n_spots]
    df = pd.DataFrame(data, columns=["frame", "x", "y", "z"])
    df["frame"] = df["frame"].astype(np.int64)
    df.insert(0, "id", np.arange(len(df), dtype=np.int64))
    return df


def edges_from_trackmate_xml(path: Path) -> set[tuple[int, int]]:
    from lxml import etree

    edges = set()
    for _event, el in etree.iterparse(
        str(path), tag="Edge", resolve_entities=False, no_network=True
    ):
        edges.add((int(float(el.get("SPOT_SOURCE_ID"))), int(float(el.get("SPOT_TARGET_ID")))))
        el.clear()
    return edges


_PEAK_WRAPPER = (
    "import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(p.returncode)"
)


def run_btrackmate(cells: Path, out: Path, heap: str) -> dict:
    """BTrackmate's CLI in a fresh process.

    Returns the wall time of the whole process (JVM start, reading cells.csv, tracking, features,
    writing tracks.xml), the time of the tracking step alone (between the CLI's progress lines
    "Frame-to-frame linking" and "Tracking done", timestamped here as they arrive on stderr), the
    peak resident memory in MB, and the edges.
    """
    classpath = os.pathsep.join(map(str, find_jars().classpath))
    cmd = ["java", f"-Xmx{heap}", "-cp", classpath, "org.volltrack.btrackmate.cli.Main",
           "--cells", str(cells), "--out", str(out)]  # fmt: skip
    for key, value in SETTINGS.items():
        cmd += [f"--{key}", str(value).lower() if isinstance(value, bool) else str(value)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _PEAK_WRAPPER, *cmd],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    stamps: dict[str, float] = {}
    lines = []
    assert proc.stderr is not None
    for line in proc.stderr:
        now = time.perf_counter()
        lines.append(line.rstrip("\n"))
        for step in ("Frame-to-frame linking", "Tracking done"):
            if line.rstrip().endswith(step):
                stamps.setdefault(step, now)
    proc.wait()
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError("BTrackmate failed: " + " | ".join(lines[-3:]))
    peak_mb = int(lines[-1]) / 1024
    tracking = stamps["Tracking done"] - stamps["Frame-to-frame linking"]
    return {"elapsed": elapsed, "tracking": tracking, "peak_mb": peak_mb,
            "edges": edges_from_trackmate_xml(out)}  # fmt: skip


_LAPTRACK_CHILD = """
import json, resource, sys, time
import numpy as np, pandas as pd
from laptrack import LapTrack
df = pd.read_csv(sys.argv[1]).sort_values(["frame", "id"], kind="stable")
d2 = float(sys.argv[2]) ** 2
lt = LapTrack(cutoff=d2, gap_closing_cutoff=d2, gap_closing_max_frame_count=2,
              splitting_cutoff=d2, merging_cutoff=d2, alternative_cost_factor=1.05,
              alternative_cost_percentile=90, alternative_cost_percentile_interpolation="higher")
frames = range(int(df["frame"].max()) + 1)
groups = {f: g for f, g in df.groupby("frame")}
xyz = ["x", "y", "z"]
coords = [groups[f][xyz].to_numpy() if f in groups else np.zeros((0, 3)) for f in frames]
ids = [groups[f]["id"].to_numpy() if f in groups else np.zeros(0, int) for f in frames]
t0 = time.perf_counter()
graph = lt.predict(coords)
elapsed = time.perf_counter() - t0
edges = [[int(ids[a[0]][a[1]]), int(ids[b[0]][b[1]])] for a, b in graph.edges()]
print(json.dumps({"elapsed": elapsed,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "edges": edges}))
"""


def run_laptrack(cells: Path, timeout: float) -> tuple[float, float, set] | None:
    """laptrack in a child process, so that its peak memory is its own; None on time-out."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _LAPTRACK_CHILD, str(cells), str(MAX_DISTANCE)],
            capture_output=True, text=True, timeout=timeout, check=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result["elapsed"], result["peak_mb"], {tuple(e) for e in result["edges"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e4, 1e5, 1e6])
    parser.add_argument("--laptrack-max", type=float, default=1e5,
                        help="run laptrack only up to this many spots")  # fmt: skip
    parser.add_argument("--laptrack-timeout", type=float, default=1800)
    parser.add_argument("--heap", default="2g", help="BTrackmate's Java heap (-Xmx)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            n = int(size)
            cells = Path(tmp) / f"cells_{n}.csv"
            movie = random_walk_movie(n)
            movie.to_csv(cells, index=False)
            bt = run_btrackmate(cells, Path(tmp) / f"tracks_{n}.xml", args.heap)
            bt_time, bt_edges = bt["elapsed"], bt["edges"]
            row = {
                "spots": len(movie),
                "frames": int(movie["frame"].max()) + 1,
                "btrackmate_s": bt_time,
                "btrackmate_spots_per_s": len(movie) / bt_time,
                "btrackmate_tracking_s": bt["tracking"],
                "btrackmate_tracking_spots_per_s": len(movie) / bt["tracking"],
                "btrackmate_peak_mb": bt["peak_mb"],
                "btrackmate_edges": len(bt_edges),
            }
            if n <= args.laptrack_max:
                lt = run_laptrack(cells, args.laptrack_timeout)
                if lt is None:
                    row["laptrack"] = f"timed out after {args.laptrack_timeout:.0f} s"
                else:
                    lt_time, lt_mem, lt_edges = lt
                    row.update(laptrack_s=lt_time, laptrack_spots_per_s=len(movie) / lt_time,
                               laptrack_peak_mb=lt_mem, laptrack_edges=len(lt_edges),
                               speedup_end_to_end=lt_time / bt_time,
                               speedup_tracking=lt_time / bt["tracking"],
                               identical_edges=bt_edges == lt_edges,
                               only_btrackmate=len(bt_edges - lt_edges),
                               only_laptrack=len(lt_edges - bt_edges))  # fmt: skip
            results.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
