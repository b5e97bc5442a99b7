"""Track cells with BTrackmate from Python through scyjava, without Fiji.

Runs here: it needs Java 8+ (``JAVA_HOME`` or ``java`` on the PATH) and the BTrackmate jar that
``make setup`` builds (or an installed volltrack wheel, or ``$VOLLTRACK_JARS``)::

    python examples/track_with_scyjava.py cells.csv --out tracks.xml
    python examples/track_with_scyjava.py labels.tif --raw raw.tif --out tracks.xml

It shows the same run twice: first BTrackmate's Java API called directly through scyjava (what a
Fiji user writes in a Jython script, here from CPython), then the one-call volltrack wrapper,
and checks that both wrote the same links.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def track_with_java_api(cells: Path, raw: Path | None, out: Path) -> None:
    """BTrackmate's Java API (``BTrackmate.run`` / ``BTrackmate.write``) through scyjava."""
    import scyjava

    from volltrack._jars import find_jars

    if not scyjava.jvm_started():
        scyjava.config.set_java_constraints(fetch="never")  # never download a JDK or jars
        for jar in find_jars().classpath:  # BTrackmate + ImageJ 1
            scyjava.config.add_classpath(str(jar))
        scyjava.start_jvm()
    Paths = scyjava.jimport("java.nio.file.Paths")
    BTrackmate = scyjava.jimport("org.volltrack.btrackmate.BTrackmate")
    BTrackmateSettings = scyjava.jimport("org.volltrack.btrackmate.settings.BTrackmateSettings")
    TrackingProgress = scyjava.jimport("org.volltrack.btrackmate.tracking.TrackingProgress")

    builder = BTrackmateSettings.builder()
    if cells.suffix.lower() == ".csv":
        builder.cellsCsv(Paths.get(str(cells.absolute())))
    else:
        builder.labels(Paths.get(str(cells.absolute())))
        if raw is not None:
            builder.raw(Paths.get(str(raw.absolute())))
    tracker = scyjava.to_java(
        {"LINKING_MAX_DISTANCE": 6.0, "ALLOW_TRACK_SPLITTING": True, "SPLITTING_MAX_DISTANCE": 8.0}
    )
    settings = builder.tracker(tracker).minTrackletLength(3).build()
    result = BTrackmate.run(settings, TrackingProgress.NONE)
    BTrackmate.write(result, Paths.get(str(out.absolute())))
    print(f"Java API: {result}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cells", type=Path, help="cells.csv or a label image (.tif)")
    parser.add_argument("--raw", type=Path, help="raw image (with a label image)")
    parser.add_argument("--out", type=Path, default=Path("tracks.xml"))
    args = parser.parse_args()

    java_out = args.out.with_name(args.out.stem + "-java-api.xml")
    track_with_java_api(args.cells, args.raw, java_out)

    import volltrack
    from volltrack.io import read_trackmate_graph

    result = volltrack.track(
        args.cells,
        raw=args.raw,
        out=args.out,
        overwrite=True,
        LINKING_MAX_DISTANCE=6.0,
        ALLOW_TRACK_SPLITTING=True,
        SPLITTING_MAX_DISTANCE=8.0,
        min_tracklet_length=3,
    )
    print(
        f"volltrack.track: {len(result.spots)} cells, {len(result.edges)} links, "
        f"{len(result.tracks)} tracks → {result.xml}"
    )
    print(result.tracks[["track_id", "NUMBER_SPOTS", "NUMBER_SPLITS", "TRACK_DURATION"]])
    java_edges = read_trackmate_graph(java_out).edges
    same = set(zip(java_edges["source"], java_edges["target"], strict=True)) == set(
        zip(result.edges["source"], result.edges["target"], strict=True)
    )
    print("both runs made the same links:", same)
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
