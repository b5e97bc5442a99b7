"""Drive BTrackmate headlessly in a real Fiji through PyImageJ.

NOT RUN in volltrack's tests or CI: it needs a Fiji installation (``Fiji.app``) with
``BTrackmate_-<version>.jar`` in ``Fiji.app/plugins/`` (if it is missing there, volltrack adds its
own jar to the class path). ``examples/track_with_scyjava.py`` is the same without Fiji and runs
anywhere volltrack's jars are built. Usage::

    pip install 'volltrack[fiji]'        # PyImageJ, scyjava, JPype
    python examples/track_with_fiji.py /path/to/Fiji.app cells.csv --out tracks.xml

Three ways, from the lowest level to the highest, all in one JVM (a process has one):

1. the ImageJ 1 command *Track cells from CSV…* as a macro would call it (``IJ.run``);
2. BTrackmate's Java API (``BTrackmate.run`` / ``BTrackmate.write``) from Python;
3. ``volltrack.track(..., fiji=PATH)``, which starts Fiji the same way (or reuses it).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fiji", type=Path, help="the Fiji folder (Fiji.app)")
    parser.add_argument("cells", type=Path, help="cells.csv")
    parser.add_argument("--out", type=Path, default=Path("tracks.xml"))
    args = parser.parse_args()
    cells, out = args.cells.absolute(), args.out.absolute()

    import imagej
    import scyjava

    scyjava.config.set_java_constraints(fetch="never")
    ij = imagej.init(str(args.fiji), mode="headless")
    print(f"ImageJ {ij.getVersion()} (headless)")

    # 1. The macro-recordable command, exactly as in a Fiji macro.
    IJ = scyjava.jimport("ij.IJ")
    macro_out = out.with_name(out.stem + "-macro.xml")
    IJ.run(
        "Track cells from CSV...",
        f"cells=[{cells}] out=[{macro_out}] linking_max_distance=15 allow_gap_closing "
        "gap_closing_max_distance=15 max_frame_gap=2 allow_track_splitting "
        "splitting_max_distance=15 min_tracklet_length=3",
    )

    # 2. The Java API.
    Paths = scyjava.jimport("java.nio.file.Paths")
    BTrackmate = scyjava.jimport("org.volltrack.btrackmate.BTrackmate")
    BTrackmateSettings = scyjava.jimport("org.volltrack.btrackmate.settings.BTrackmateSettings")
    TrackingProgress = scyjava.jimport("org.volltrack.btrackmate.tracking.TrackingProgress")
    settings = (
        BTrackmateSettings.builder()
        .cellsCsv(Paths.get(str(cells)))
        .tracker(scyjava.to_java({"ALLOW_TRACK_SPLITTING": True}))
        .minTrackletLength(3)
        .build()
    )
    api_out = out.with_name(out.stem + "-api.xml")
    BTrackmate.write(BTrackmate.run(settings, TrackingProgress.NONE), Paths.get(str(api_out)))

    # 3. volltrack's wrapper: typed settings, pandas tables back.
    import volltrack

    result = volltrack.track(
        cells,
        out=out,
        overwrite=True,
        fiji=args.fiji,
        ALLOW_TRACK_SPLITTING=True,
        min_tracklet_length=3,
    )
    print(f"{len(result.spots)} cells, {len(result.edges)} links, {len(result.tracks)} tracks")
    print(
        f"open {macro_out}, {api_out} or {out} in Fiji: Plugins › Tracking › TrackMate › "
        "Load a TrackMate file"
    )


if __name__ == "__main__":
    main()
