"""BTrackmate at scale: 1e6 spots through the command line (cells.csv in, TrackMate XML out) in a
bounded Java heap; wall time, CPU time and peak resident memory per heap size.

Not a test. The movie is ``lap_vs_laptrack.random_walk_movie`` (constant density: about 2,000
cells x 495 frames for 1e6 spots, divisions, disappearances, missed detections), tracked with the
same settings as that benchmark (linking, gap closing, splitting and merging, all at 15 µm). Each
heap in ``--heaps`` runs the CLI in a fresh JVM under ``/usr/bin/time -v``; a heap that is too
small ends with ``OutOfMemoryError`` (exit status 1). The smallest heap that passes is searched by
bisection with ``--find-min``.

Usage::

    nice -n 10 .venv/bin/python benchmarks/scale_java.py --spots 1e6 --heaps 2g 1g 512m
    nice -n 10 .venv/bin/python benchmarks/scale_java.py --spots 1e6 --find-min 256 1024
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lap_vs_laptrack import SETTINGS, random_walk_movie  # noqa: E402

from volltrack._jars import find_jars  # noqa: E402


def write_movie(n_spots: int, path: Path) -> None:
    """The random-walk movie of ``n_spots`` rows as ``cells.csv`` (id, frame, x, y, z)."""
    df = random_walk_movie(n_spots)
    df.to_csv(path, index=False, float_format="%.4f")


def run_cli(cells: Path, out: Path, heap_mb: int) -> dict:
    """BTrackmate's CLI in a fresh JVM with ``-Xmx{heap_mb}m``, measured by ``/usr/bin/time -v``."""
    classpath = os.pathsep.join(map(str, find_jars().classpath))
    cmd = ["/usr/bin/time", "-v", "java", f"-Xmx{heap_mb}m", "-cp", classpath,
           "org.volltrack.btrackmate.cli.Main", "--cells", str(cells), "--out", str(out),
           "--quiet"]  # fmt: skip
    for key, value in SETTINGS.items():
        cmd += [f"--{key}", str(value).lower() if isinstance(value, bool) else str(value)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    err = proc.stderr
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err)
    cpu = sum(
        float(m.group(1)) for m in re.finditer(r"(?:User|System) time \(seconds\): ([\d.]+)", err)
    )
    seconds = 0.0
    if wall:
        for part in wall.group(1).split(":"):
            seconds = 60 * seconds + float(part)
    first = next((line for line in err.splitlines() if line.startswith("btrackmate:")), "")
    return {
        "heap_mb": heap_mb,
        "ok": proc.returncode == 0,
        "exit": proc.returncode,
        "wall_s": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(int(rss.group(1)) / 1024) if rss else None,
        "xml_mb": round(out.stat().st_size / 2**20) if proc.returncode == 0 else None,
        "message": first[:200],
    }


def parse_heap(text: str) -> int:
    """'2g' → 2048, '768m' → 768 (MiB)."""
    m = re.fullmatch(r"(\d+)([gGmM])", text)
    if not m:
        raise argparse.ArgumentTypeError(f"heap {text!r}: expected e.g. 2g or 768m")
    return int(m.group(1)) * (1024 if m.group(2).lower() == "g" else 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spots", type=float, default=1e6)
    parser.add_argument("--heaps", type=parse_heap, nargs="*", default=[2048])
    parser.add_argument(
        "--find-min",
        type=int,
        nargs=2,
        metavar=("LO_MB", "HI_MB"),
        help="bisect the smallest passing heap between LO and HI MiB (to 32 MiB)",
    )
    parser.add_argument("--workdir", type=Path, help="keep cells.csv here (reused when present)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="btrackmate-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    n = int(args.spots)
    cells = workdir / f"cells_{n}.csv"
    if not cells.exists():
        write_movie(n, cells)
    out = workdir / "tracks.xml"
    results = []

    def record(heap_mb: int) -> bool:
        r = run_cli(cells, out, heap_mb)
        results.append(r)
        print(json.dumps(r), flush=True)
        return r["ok"]

    for heap in args.heaps:
        record(heap)
    if args.find_min:
        lo, hi = args.find_min  # lo assumed failing, hi passing (checked)
        if not record(hi):
            print(f"the upper bound {hi} MiB fails", file=sys.stderr)
            return 1
        while hi - lo > 32:
            mid = (lo + hi) // 2
            if record(mid):
                hi = mid
            else:
                lo = mid
        print(json.dumps({"smallest_passing_heap_mb": hi, "largest_failing_heap_mb": lo}))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
