"""The napari plugin: manifest, TrackMate reader, sample data, widget logic, widget and movies.

Layer tests run headless on ``napari.components.ViewerModel`` (no Qt). The widget and movie
test needs a real Qt viewer with an OpenGL canvas: it runs in a child pytest process, under
``xvfb-run`` when no display is set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.napari

napari = pytest.importorskip("napari")

from napari.components import ViewerModel  # noqa: E402

from volltrack.analysis import lineage_from_trackmate, to_napari_tracks  # noqa: E402
from volltrack.io import read_image, read_trackmate, write_imagej_tzyx  # noqa: E402
from volltrack.napari import (  # noqa: E402
    TRACKS_METADATA_KEY,
    TrackSelection,
    color_by_choices,
    napari_get_reader,
    synthetic_sample,
)
from volltrack.napari._layers import pixel_tracks, tracks_info  # noqa: E402
from volltrack.napari._panel import PLOTS, AnalysisPanel  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "python" / "volltrack" / "napari" / "napari.yaml"
CHILD = "VOLLTRACK_NAPARI_QT_CHILD"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "python"), env.get("PYTHONPATH", "")])
    return env


def _viewer(layers) -> ViewerModel:
    viewer = ViewerModel()
    for data, kwargs, kind in layers:
        getattr(viewer, f"add_{kind}")(data, **kwargs)
    return viewer


def _registered(pm) -> bool:
    try:
        pm.get_manifest("volltrack")
    except KeyError:
        return False
    return True


@pytest.fixture()
def registered():
    """The plugin registered with npe2 from this checkout's manifest (as the entry point does)."""
    from npe2 import PluginManager, PluginManifest

    pm = PluginManager.instance()
    added = not _registered(pm)
    if added:
        pm.register(PluginManifest.from_file(MANIFEST))
    yield pm
    if added:
        pm.unregister("volltrack")


@pytest.fixture(scope="module")
def sample():
    """A viewer model holding the plugin's sample data layers."""
    return _viewer(synthetic_sample())


# ----- package and manifest --------------------------------------------------------------


def test_import_volltrack_does_not_import_napari_or_qt():
    code = (
        "import sys, volltrack, volltrack.napari, volltrack.analysis; "
        "bad = [m for m in ('napari', 'qtpy', 'PyQt6', 'vispy', 'napari_animation') "
        "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_manifest_validates_with_imports():
    proc = subprocess.run(
        [sys.executable, "-m", "npe2", "validate", "--imports", str(MANIFEST)],
        env=_env(), capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "valid" in proc.stdout


def test_manifest_contributions():
    from npe2 import PluginManifest

    manifest = PluginManifest.from_file(MANIFEST)
    assert manifest.name == "volltrack"  # must equal the distribution name
    contrib = manifest.contributions
    (reader,) = contrib.readers
    assert reader.filename_patterns == ["*.xml"]
    assert [w.display_name for w in contrib.widgets] == ["Track analysis"]
    assert [s.key for s in contrib.sample_data] == ["synthetic"]
    commands = {c.id: c.python_name for c in contrib.commands}
    assert commands[reader.command] == "volltrack.napari._reader:napari_get_reader"
    text = (ROOT / "pyproject.toml").read_text()
    assert 'volltrack = "volltrack.napari:napari.yaml"' in text
    assert '"napari/napari.yaml"' in text  # package data: the manifest lands in the wheel


def test_napari_opens_xml_and_sample_through_the_manifest(registered, trackmate_fixtures, tmp_path):
    viewer = ViewerModel()
    path = trackmate_fixtures / "lap-conformance" / "trackmate_tracks_with_splitting.xml"
    layers = viewer.open(path, plugin="volltrack")
    assert [type(ly).__name__ for ly in layers] == ["Image", "Tracks"]
    assert tracks_info(layers[1]) is not None and layers[1].graph
    other = tmp_path / "other.xml"
    other.write_text('<?xml version="1.0"?><Experiment/>')
    with pytest.raises(ValueError, match="refused"):
        viewer.open(other, plugin="volltrack")
    viewer.open_sample("volltrack", "synthetic")
    assert [ly.name for ly in viewer.layers][-4:] == ["raw", "labels", "tissue mask", "tracks"]


# ----- reader --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def btrackmate_xml(tmp_path_factory):
    """BTrackmate's XML of a small synthetic movie (labels + raw), with the movie."""
    from volltrack._errors import VolltrackError
    from volltrack.synthetic import generate_movie, preset_settings
    from volltrack.tracking import run_btrackmate

    try:
        from volltrack._jars import find_jars

        find_jars()
    except VolltrackError as exc:
        pytest.skip(f"BTrackmate jar not available: {exc}")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime")
    folder = tmp_path_factory.mktemp("btrackmate")
    movie = generate_movie(preset_settings("small"))
    kw = {"voxel_size": movie.voxel_size, "time_interval": movie.time_interval}
    write_imagej_tzyx(folder / "labels.tif", movie.labels.astype(np.uint16), **kw)
    write_imagej_tzyx(folder / "raw.tif", movie.raw, **kw)
    out = folder / "tracks.xml"
    run_btrackmate(
        ["--labels", str(folder / "labels.tif"), "--raw", str(folder / "raw.tif"),
         "--ALLOW_TRACK_SPLITTING", "true", "--out", str(out), "--quiet"],
        timeout=300,
    )  # fmt: skip
    return out, movie


@pytest.mark.jvm
def test_reader_on_btrackmate_xml(btrackmate_xml):
    path, movie = btrackmate_xml
    reader = napari_get_reader(str(path))
    assert reader is not None
    viewer = _viewer(reader(str(path)))
    labels, tracks = viewer.layers
    assert type(labels).__name__ == "Labels" and type(tracks).__name__ == "Tracks"
    np.testing.assert_array_equal(labels.data, movie.labels)
    # pixel coordinates with the calibration as scale, the same for image and tracks
    assert tuple(tracks.scale) == tuple(labels.scale) == (1.0, 2.0, 0.5, 0.5)
    assert tracks.axis_labels == ("t", "z", "y", "x")

    data = read_trackmate(path)
    lineage = lineage_from_trackmate(data)
    ref_data, ref_graph, _ = to_napari_tracks(lineage)
    assert tracks.graph == ref_graph and len(ref_graph) > 0  # divisions present
    # world coordinates (pixels × scale) are TrackMate's calibrated positions, row by row
    spots = data.spots.set_index("id")
    ids = tracks.features["spot_id"].to_numpy()
    world = tracks.data[:, 2:] * np.asarray(tracks.scale[1:])
    np.testing.assert_allclose(
        world, spots.loc[ids, ["POSITION_Z", "POSITION_Y", "POSITION_X"]].to_numpy(), atol=1e-9
    )
    np.testing.assert_array_equal(tracks.data[:, 1], spots.loc[ids, "frame"].to_numpy())
    np.testing.assert_array_equal(tracks.features["tracklet_id"], tracks.data[:, 0])
    assert len(tracks.data) == len(ref_data)
    # alignment oracle: the label under each spot (its centroid) is the spot's own LABEL
    pix = np.rint(tracks.data[:, 1:]).astype(int)
    under = labels.data[tuple(pix.T)]
    assert (under == tracks.features["LABEL"].to_numpy()).mean() > 0.95
    assert "MEAN_INTENSITY_CH1" in color_by_choices(tracks.features)


@pytest.mark.parametrize(
    "name",
    [
        "lap-conformance/trackmate_tracks_with_splitting.xml",
        "lap-conformance/trackmate_tracks_with_splitting_merging.xml",
        "lap-conformance/trackmate_tracks_with_gap_closing.xml",
        "reader/FakeTracks_TrackMate-3.4.2.xml",
        "reader/LabelImage_TrackMate-7.0.0.xml",
    ],
)
def test_reader_on_trackmate_fixtures(trackmate_fixtures, name):
    path = trackmate_fixtures / name
    reader = napari_get_reader(path)
    assert reader is not None
    viewer = _viewer(reader(path))
    data = read_trackmate(path)
    *images, tracks = viewer.layers
    info = tracks_info(tracks)
    assert info is not None and info.two_d  # every fixture is a 2D movie
    assert tracks.data.shape[1] == 4 and tracks.axis_labels == ("t", "y", "x")
    if len(data.edges):
        lineage = lineage_from_trackmate(data)
        ref_data, ref_graph, _ = to_napari_tracks(lineage)
        np.testing.assert_allclose(tracks.data, ref_data[:, [0, 1, 3, 4]])  # pixel size 1
        assert tracks.graph == ref_graph
        n_links = len(lineage.links)
        assert sum(len(p) for p in tracks.graph.values()) == n_links
    else:  # a detection-only file: every spot is a one-spot track
        assert len(tracks.data) == len(data.spots)
    image = (path.parent / data.image_filename) if data.image_filename else None
    if image is not None and image.is_file():
        (layer,) = images
        pixels = read_image(image).data[:, 0]
        np.testing.assert_array_equal(layer.data, pixels)
        assert tuple(layer.scale) == tuple(tracks.scale)
        kind = "Labels" if name.endswith("LabelImage_TrackMate-7.0.0.xml") else "Image"
        assert type(layer).__name__ == kind
    else:
        assert images == []


def test_reader_declines_other_files(tmp_path, trackmate_fixtures):
    other = tmp_path / "other.xml"
    other.write_text('<?xml version="1.0"?>\n<!-- <TrackMate> -->\n<Experiment/>\n')
    assert napari_get_reader(str(other)) is None
    text = tmp_path / "tracks.txt"
    text.write_text("<TrackMate/>")
    assert napari_get_reader(str(text)) is None
    assert napari_get_reader(str(tmp_path / "missing.xml")) is None
    fixture = trackmate_fixtures / "lap-conformance" / "trackmate_tracks_with_splitting.xml"
    assert napari_get_reader([str(fixture), str(fixture)]) is None
    commented = tmp_path / "commented.xml"
    commented.write_text(
        '<?xml version="1.0"?>\n<!-- made by hand -->\n' + fixture.read_text().split("?>", 1)[1]
    )
    assert napari_get_reader([str(commented)]) is not None
    # a long prolog (a 100 kB comment) does not hide the root element
    long = tmp_path / "long.xml"
    long.write_text(
        '<?xml version="1.0"?>\n<!-- ' + "x" * 100_000 + " -->\n"
        + fixture.read_text().split("?>", 1)[1]
    )  # fmt: skip
    assert napari_get_reader(str(long)) is not None


# ----- sample data --------------------------------------------------------------------------


def test_sample_data_layers(sample):
    from volltrack.synthetic import generate_movie, preset_settings

    viewer = sample
    assert [ly.name for ly in viewer.layers] == ["raw", "labels", "tissue mask", "tracks"]
    assert [type(ly).__name__ for ly in viewer.layers] == ["Image", "Labels", "Labels", "Tracks"]
    movie = generate_movie(preset_settings("small"))  # deterministic: the same movie
    np.testing.assert_array_equal(viewer.layers["labels"].data, movie.labels)
    tracks = viewer.layers["tracks"]
    assert all(tuple(ly.scale) == (1.0, 2.0, 0.5, 0.5) for ly in viewer.layers)
    # every true division is in the graph: daughter tracklet -> [mother tracklet]
    feats = tracks.features
    cell_of = dict(zip(feats["tracklet_id"], feats["CELL_ID"].astype(int), strict=False))
    graph_cells = {(cell_of[c], cell_of[p]) for c, (p,) in tracks.graph.items()}
    born = movie.lineage[movie.lineage["start_reason"] == "division"]
    truth = set(zip(born["cell_id"], born["parent_cell_id"], strict=True))
    assert graph_cells == truth and len(truth) > 0
    # world positions are the true centroids
    cells = movie.cells.set_index(["frame", "cell_id"])
    key = list(zip(tracks.data[:, 1].astype(int), feats["CELL_ID"].astype(int), strict=True))
    centroid = cells.loc[key, ["centroid_z", "centroid_y", "centroid_x"]].to_numpy()
    np.testing.assert_allclose(tracks.data[:, 2:] * np.asarray(tracks.scale[1:]), centroid)


# ----- widget logic (no Qt) -----------------------------------------------------------------


def test_track_selection_filters(trackmate_fixtures):
    from napari.layers import Tracks

    path = trackmate_fixtures / "lap-conformance" / "trackmate_tracks_with_splitting.xml"
    lineage = lineage_from_trackmate(read_trackmate(path))
    data, graph, features = pixel_tracks(lineage, (1.0, 1.0, 1.0), two_d=True)
    sel = TrackSelection(lineage, data, graph, features)
    tracks = lineage.tracks
    dividing, other = sel.track_ids("dividing"), sel.track_ids("non-dividing")
    assert len(dividing) and len(other)
    np.testing.assert_array_equal(dividing, tracks.loc[tracks["n_divisions"] > 0, "track_id"])
    np.testing.assert_array_equal(np.sort(np.r_[dividing, other]), sel.track_ids("all"))
    with pytest.raises(ValueError, match="kind"):
        sel.track_ids("mitotic")

    span = (tracks["end_frame"] - tracks["start_frame"]).to_numpy()
    longest = sel.longest(2)
    assert len(longest) == 2
    spans = dict(zip(tracks["track_id"], span, strict=True))
    assert min(spans[i] for i in longest) >= max(
        spans[i] for i in set(tracks["track_id"]) - set(longest)
    )
    assert list(sel.longest(100, "dividing")) == sorted(
        dividing, key=lambda i: (-spans[i], -tracks.set_index("track_id").n_spots[i], i)
    )

    layer = Tracks(data, graph=graph, features=features, color_by="track_id")
    layer.color_by = "MEAN_INTENSITY"
    one = dividing[:1]
    sel.apply(layer, one)
    rows = lineage.spots["track_id"].isin(one).to_numpy()
    assert len(layer.data) == rows.sum()
    assert set(layer.features["track_id"]) == set(one)
    kept = set(layer.data[:, 0].astype(int))
    assert layer.graph and all(c in kept and set(p) <= kept for c, p in layer.graph.items())
    assert layer.color_by == "MEAN_INTENSITY"  # the colouring survives the new data
    np.testing.assert_array_equal(sel.tracklet_ids(one), sorted(kept))
    sel.apply(layer, sel.track_ids("all"))
    assert len(layer.data) == len(data) and layer.graph == graph

    choices = color_by_choices(features)
    assert {"track_id", "tracklet_id", "generation", "MEAN_INTENSITY", "QUALITY"} <= set(choices)
    assert "name" not in choices
    for choice in choices:
        layer.color_by = choice  # every choice is accepted by napari


def test_analysis_panel_plots_follow_the_selection(sample, tmp_path):
    viewer = sample
    info = tracks_info(viewer.layers["tracks"])
    panel = AnalysisPanel(info)
    features = panel.intensity_features()
    assert features[0] == "MEAN_INTENSITY_CH1" and "VOLUME" in features
    panel.compute(viewer.layers["tissue mask"].data, features[0], mask_name="tissue mask")
    lineage = info.lineage
    one = lineage.dividing_track_ids[:1]
    tl = lineage.tracklets
    ids = tl.loc[tl["track_id"].isin(one), "tracklet_id"].to_numpy()
    figs = panel.figures(ids)
    assert list(figs) == list(PLOTS)
    # one curve per tracklet shown (plus the zero line in the distance plot)
    assert len(figs["distance to boundary"].axes[0].lines) == len(ids) + 1
    assert len(figs["intensity + FFT"].axes[0].lines) == len(ids)
    every = panel.figure("distance to boundary")
    assert len(every.axes[0].lines) == len(tl) + 1
    # distances come from the mask: every ground-truth cell centre is inside the tissue
    assert (panel.result.boundary["distance_to_boundary"] > 0).mean() > 0.9

    files = panel.export(tmp_path / "analysis", ids, figure_formats=("png",))
    names = {f.name for f in files}
    assert {"spots.csv", "tracklets.csv", "msd.csv", "boundary.png", "selection_speed.png"} <= names
    assert all(f.is_file() for f in files)
    spots = pd.read_csv(tmp_path / "analysis" / "spots.csv")
    assert len(spots) == len(lineage.spots)

    without = AnalysisPanel(info)
    text = without.figure("distance to boundary").axes[0].texts[0].get_text()
    assert "tissue mask" in text


# ----- widget and movie under Xvfb ------------------------------------------------------------


def test_widget_and_movie_export_with_qt(tmp_path):
    """:func:`_qt_widget_and_movie` here when a display is set (CI runs ``xvfb-run pytest``),
    else in a child pytest under ``xvfb-run``."""
    if os.environ.get(CHILD) or os.environ.get("DISPLAY"):
        _qt_widget_and_movie(tmp_path)
        return
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
           f"{__file__}::test_widget_and_movie_export_with_qt"]  # fmt: skip
    if shutil.which("xvfb-run") is None:
        pytest.skip("needs a display or xvfb-run (apt-get install xvfb) for Qt + OpenGL")
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", *cmd]
    env = _env()
    env[CHILD] = "1"
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    output = proc.stdout + proc.stderr
    if proc.returncode != 0 and "Could not load the Qt platform plugin" in output:
        missing = sorted(set(re.findall(r"lib[\w.-]+\.so[.\d]*(?=: cannot open)", output)))
        pytest.skip(
            "Qt cannot open a window under xvfb-run (missing system libraries "
            f"{missing or 'for the xcb platform plugin'}; see .ci/run)"
        )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "1 passed" in proc.stdout


def _qt_widget_and_movie(tmp_path: Path) -> None:
    import imageio
    from npe2 import PluginManager, PluginManifest

    from volltrack.napari._widget import TrackAnalysisWidget

    pm = PluginManager.instance()
    if not _registered(pm):
        pm.register(PluginManifest.from_file(MANIFEST))
    viewer = napari.Viewer(show=True)  # a hidden canvas renders black frames
    try:
        viewer.open_sample("volltrack", "synthetic")
        # the widget as napari makes it from the manifest (the viewer injected)
        _dock, widget = viewer.window.add_plugin_dock_widget("volltrack", "Track analysis")
        assert isinstance(widget, TrackAnalysisWidget)  # given a proxy of the viewer
        layer = viewer.layers["tracks"]
        info = layer.metadata[TRACKS_METADATA_KEY]
        n_all = len(layer.data)
        assert widget.tracks_combo.currentText() == "tracks"
        assert widget.mask_combo.currentText() == "tissue mask"  # found by its name
        assert widget.feature_combo.currentText() == "MEAN_INTENSITY_CH1"
        assert widget.panel.result.boundary is not None

        widget.kind_combo.setCurrentText("dividing")
        dividing = info.lineage.dividing_track_ids
        assert set(layer.features["track_id"]) == set(dividing)
        assert widget.id_combo.count() == len(dividing) + 1  # "all" + the ids
        widget.id_combo.setCurrentText(str(dividing[0]))
        assert set(layer.features["track_id"]) == {dividing[0]}
        shown = widget.shown_tracklet_ids()
        canvas = widget.canvases["distance to boundary"]
        assert len(canvas.figure.axes[0].lines) == len(shown) + 1  # plot follows selection
        widget.tabs.setCurrentIndex(3)  # MSD tab drawn when opened
        assert "MSD" in widget.canvases

        widget.color_combo.setCurrentText("MEAN_INTENSITY_CH1")
        assert layer.color_by == "MEAN_INTENSITY_CH1"
        widget.kind_combo.setCurrentText("all")
        widget.show_longest(3)
        assert len(set(layer.features["track_id"])) == 3
        assert layer.color_by == "MEAN_INTENSITY_CH1"
        widget.kind_combo.setCurrentText("non-dividing")
        widget.kind_combo.setCurrentText("all")
        assert len(layer.data) == n_all

        viewer.window.resize(900, 700)  # a small canvas renders fast with software OpenGL
        widget.start_spin.setValue(2)
        widget.end_spin.setValue(6)
        before = viewer.dims.current_step
        mp4 = widget.export_movie(tmp_path / "tracks.mp4")
        assert mp4 == tmp_path / "tracks.mp4"
        assert widget.progress.value() == widget.progress.maximum() == 5
        with imageio.get_reader(mp4) as reader:
            assert reader.count_frames() == 5
            first = reader.get_data(0)
        assert first.ndim == 3 and first.std() > 5  # the canvas was rendered, not blank
        gif = widget.export_movie(tmp_path / "tracks.gif")
        frames = imageio.mimread(gif)
        assert len(frames) == 5
        assert not np.array_equal(frames[0], frames[-1])  # time moves through the movie
        assert not list(tmp_path.glob(".*partial*"))  # no temporary file left
        assert viewer.dims.current_step == before  # the viewer is left as it was
    finally:
        viewer.close()
