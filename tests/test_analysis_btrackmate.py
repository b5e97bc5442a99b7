"""Round trip: a synthetic movie tracked by BTrackmate, read back and analysed."""

from __future__ import annotations

import numpy as np
import pytest

from volltrack.analysis import (
    boundary_distance,
    lineage_from_trackmate,
    spot_motion,
    to_napari_tracks,
    track_motion,
)
from volltrack.io import read_image, read_trackmate

pytestmark = pytest.mark.jvm


@pytest.fixture(scope="module")
def tracked(tmp_path_factory):
    from volltrack._cli.demo import DEMO_TRACKER
    from volltrack.synthetic import generate_movie, preset_settings, write_movie
    from volltrack.tracking import run_btrackmate

    folder = tmp_path_factory.mktemp("roundtrip")
    movie = generate_movie(preset_settings("small", n_divisions=4, seed=3))
    files = write_movie(movie, folder / "movie")
    xml = folder / "tracks.xml"
    args = ["--labels", str(files["labels.tif"]), "--raw", str(files["raw.tif"]),
            "--out", str(xml), "--quiet"]  # fmt: skip
    for key, value in DEMO_TRACKER.items():
        args += [f"--{key}", str(value).lower() if isinstance(value, bool) else str(value)]
    run_btrackmate(args)
    return movie, files, xml


def test_divisions_are_the_trackers_split_edges(tracked):
    movie, _, xml = tracked
    data = read_trackmate(xml)
    assert data.voxel_size == pytest.approx(movie.settings.voxel_size)
    assert data.time_interval == movie.settings.time_interval
    lin = lineage_from_trackmate(data)
    edges = data.edges
    frame = data.spots.set_index("id")["frame"]
    earlier = np.where(frame[edges["source"]].to_numpy() < frame[edges["target"]].to_numpy(),
                       edges["source"], edges["target"])  # fmt: skip
    counts = np.unique(earlier, return_counts=True)
    split_spots = set(counts[0][counts[1] > 1].tolist())
    assert split_spots, "the synthetic movie should give BTrackmate at least one division"
    mothers = lin.tracklets[lin.tracklets["end"] == "division"]
    assert set(mothers["last_spot_id"]) == split_spots
    assert lin.tracks["n_divisions"].sum() == len(split_spots)
    assert (lin.tracks["n_divisions"] == lin.tracks["NUMBER_SPLITS"]).all()
    # each daughter is one generation below its mother and starts right after it
    tl = lin.tracklets.set_index("tracklet_id")
    for mother in mothers.itertuples():
        for child in mother.children_ids:
            assert tl.loc[child, "generation"] == mother.generation + 1
            assert tl.loc[child, "start_frame"] > mother.end_frame
    # every spot of a track is drawn once, divisions by the graph
    data_rows, graph, _ = to_napari_tracks(lin)
    assert len(data_rows) == data.edges[["source", "target"]].stack().nunique()
    assert sum(len(p) for p in graph.values()) == 2 * len(split_spots)


def test_track_features_equal_btrackmates(tracked):
    _, _, xml = tracked
    lin = lineage_from_trackmate(read_trackmate(xml))
    ours = track_motion(lin, spot_motion(lin)).merge(lin.tracks, on="track_id")
    np.testing.assert_allclose(ours["path_length"], ours["TOTAL_DISTANCE_TRAVELED"], rtol=1e-9)
    np.testing.assert_allclose(ours["mean_speed"], ours["TRACK_MEAN_SPEED"], rtol=1e-9)
    np.testing.assert_allclose(
        ours["max_distance_from_root"], ours["MAX_DISTANCE_TRAVELED"], rtol=1e-9
    )
    np.testing.assert_allclose(ours["duration"], ours["TRACK_DURATION"], rtol=1e-12)


def test_boundary_distance_equals_the_cell_table(tracked, tmp_path):
    """measure's distance_to_boundary at the cell centroid is the same number for each spot."""
    from volltrack.measure import measure_files

    _, files, xml = tracked
    cells = measure_files(
        files["labels.tif"], files["raw.tif"], files["tissue_mask.tif"], out=tmp_path / "c.csv"
    )
    lin = lineage_from_trackmate(read_trackmate(xml))
    mask = read_image(files["tissue_mask.tif"])
    got = boundary_distance(lin, mask.data, mask.voxel_size)
    spots = lin.spots[["spot_id", "frame", "LABEL"]].merge(got, on=["spot_id", "frame"])
    merged = spots.merge(cells, left_on=["frame", "LABEL"], right_on=["frame", "label"])
    assert len(merged) == len(spots)
    np.testing.assert_allclose(
        merged["distance_to_boundary_x"], merged["distance_to_boundary_y"], atol=1e-9
    )
