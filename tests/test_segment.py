"""Prediction with the shipped models: segment, segment_movie (resume, calibration), the threshold
search, and the ``volltrack segment`` CLI's bad-input paths.

The frames are small synthetic movies drawn with a seed the shipped recipe did not train on, so
their exact ground truth is an honest test set.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import tifffile

from volltrack._errors import InputError
from volltrack.cli import main
from volltrack.io import read_image, write_imagej_tzyx

#: A seed the shipped recipe neither trains on nor holds out (seeds 101-106, 9001, 9002).
TEST_SEED = 31_337
SHAPE = (12, 64, 64)


@pytest.fixture(scope="module")
def movie():
    from volltrack.synthetic import SyntheticSettings, generate_movie

    return generate_movie(
        SyntheticSettings(shape=SHAPE, n_frames=2, n_cells=10, n_divisions=0, seed=TEST_SEED)
    )


@pytest.fixture(scope="module")
def models():
    from volltrack.segmentation import load_models

    return load_models(None)


def write_raw(path, array, voxel_size=(2.0, 0.5, 0.5), dt=30.0):
    return write_imagej_tzyx(path, array, voxel_size, dt)


# ------------------------------------------------------------------------------------------
# one frame


@pytest.mark.dl
def test_segment_shipped_models_against_ground_truth(models):
    from volltrack.evaluation import average_precision
    from volltrack.segmentation import SegmentationResult, segment
    from volltrack.synthetic import generate_movie, preset_settings

    # the "small" preset (12×96×96 voxels, 30 cells), a frame the models never saw
    movie = generate_movie(preset_settings("small", seed=TEST_SEED, n_frames=1, n_divisions=0))
    result = segment(movie.raw[0], models, {"n_tiles": (1, 2, 2)})
    assert isinstance(result, SegmentationResult)
    shape = movie.raw.shape[1:]
    assert result.labels.shape == shape and result.labels.dtype == np.int32
    assert result.stardist_labels.dtype == np.int32
    assert result.foreground.dtype == bool
    assert result.probability.dtype == np.float32 and result.probability.shape == shape
    assert result.markers.dtype == np.int32
    # one seed per final label at most: every label grew from a seed
    assert result.labels.max() <= len(np.unique(result.markers)) - 1
    assert result.denoised is None  # N2V is off by default
    # measured 0.67 (StarDist alone) and 0.51 (fusion) with the first shipped bundle: the bars
    # catch a broken pipeline (wrong normalisation, axes, thresholds), not small regressions
    assert average_precision(movie.labels[0], result.stardist_labels, 0.5) >= 0.45
    assert average_precision(movie.labels[0], result.labels, 0.5) >= 0.35


@pytest.mark.dl
def test_segment_runs_stardist_as_predict_instances_does(movie, models):
    from volltrack.segmentation import network_outputs, normalize_frame, segment

    settings = {"prob_thresh": 0.6, "nms_thresh": 0.4, "grow_foreground": 0.0}
    result = segment(movie.raw[1], models, settings)
    x = normalize_frame(movie.raw[1], models)
    reference, _ = models.stardist.predict_instances(
        x, axes="ZYX", prob_thresh=0.6, nms_thresh=0.4, show_tile_progress=False
    )
    assert np.array_equal(result.stardist_labels, reference)
    unet = network_outputs(movie.raw[1], models, settings).unet
    assert np.array_equal(result.foreground, unet >= models.unet_threshold)
    grown = segment(movie.raw[1], models, {**settings, "grow_foreground": 1.0}).foreground
    assert grown.sum() > result.foreground.sum() and np.all(grown[result.foreground])
    if models.n2v is not None:
        denoised = segment(movie.raw[1], models, {**settings, "use_n2v": True}).denoised
        assert denoised is not None and denoised.shape == movie.raw.shape[1:]


def test_settings_reject_unknown_keys_and_out_of_range():
    from volltrack.segmentation import SegmentSettings, make_settings

    with pytest.raises(InputError, match="prob_tresh"):
        make_settings({"prob_tresh": 0.5})
    for key, value in [("prob_thresh", 1.5), ("nms_thresh", -0.1), ("unet_threshold", 0.0)]:
        with pytest.raises(InputError, match=key):
            make_settings({key: value})
    with pytest.raises(InputError, match="n_tiles"):
        make_settings({"n_tiles": (1, 0, 2)})
    assert SegmentSettings().prob_thresh is None


@pytest.mark.parametrize(
    ("array", "match"),
    [
        (np.zeros((4, 5), np.float32), r"\(z, y, x\)"),
        (np.zeros((4, 5, 6), bool), "dtype bool"),
        (np.zeros((4, 5, 6), np.complex64), "dtype complex64"),
        (np.full((4, 5, 6), np.nan, np.float32), "finite"),
    ],
)
def test_segment_rejects_bad_frames_before_loading_models(array, match):
    from volltrack.segmentation import segment

    with pytest.raises(InputError, match=match):
        segment(array, models="/nonexistent/bundle")


# ------------------------------------------------------------------------------------------
# a movie


@pytest.mark.dl
def test_segment_movie_frames_resume_and_calibration(tmp_path, movie, models):
    from volltrack.segmentation import segment, segment_movie

    raw = write_raw(tmp_path / "raw.tif", movie.raw)
    out = tmp_path / "out"
    settings = {"n_tiles": (1, 1, 2)}
    calls = []
    written = segment_movie(raw, out, models, settings, progress=lambda *a: calls.append(a))
    assert calls == [(1, 2, False), (2, 2, False)]
    assert {"labels", "stardist", "foreground", "probability", "markers"} <= set(written)
    assert not (out / "denoised").exists()
    for t in range(2):
        expected = segment(movie.raw[t], models, settings)
        frame = read_image(out / "labels" / f"t{t:05d}.tif")
        assert np.array_equal(frame.data[0], expected.labels)
        movie_file = read_image(out / "labels.tif")
        assert np.array_equal(movie_file.data[t], expected.labels)
        assert np.array_equal(read_image(out / "markers.tif").data[t], expected.markers)
        assert np.array_equal(read_image(out / "foreground.tif").data[t] > 0, expected.foreground)
        assert np.allclose(read_image(out / "probability.tif").data[t], expected.probability)
    labels = read_image(out / "labels.tif")
    assert labels.axes == "TZYX" and labels.data.shape == (2, *SHAPE)
    assert labels.voxel_size == pytest.approx((2.0, 0.5, 0.5))
    assert labels.time_interval == pytest.approx(30.0)
    record = json.loads((out / "segment.json").read_text())
    assert record["resolved"]["prob_thresh"] == pytest.approx(models.prob_thresh)

    # same settings: every frame is skipped, nothing rewritten
    stamp = (out / "labels" / "t00001.tif").stat().st_mtime_ns
    calls.clear()
    segment_movie(raw, out, models, settings, progress=lambda *a: calls.append(a))
    assert calls == [(1, 2, True), (2, 2, True)]
    assert (out / "labels" / "t00001.tif").stat().st_mtime_ns == stamp

    # a lost frame is redone, the others kept
    (out / "labels" / "t00000.tif").unlink()
    calls.clear()
    segment_movie(raw, out, models, settings, progress=lambda *a: calls.append(a))
    assert calls == [(1, 2, True), (2, 2, False)]  # finished frames are reported first

    # other settings: refused without overwrite, every frame redone with it
    changed = {**settings, "prob_thresh": 0.9}
    with pytest.raises(InputError, match="other settings"):
        segment_movie(raw, out, models, changed)
    calls.clear()
    segment_movie(raw, out, models, changed, overwrite=True, progress=lambda *a: calls.append(a))
    assert calls == [(1, 2, False), (2, 2, False)]
    redone = read_image(out / "stardist.tif").data[0]
    assert np.array_equal(redone, segment(movie.raw[0], models, changed).stardist_labels)
    assert json.loads((out / "segment.json").read_text())["settings"]["prob_thresh"] == 0.9


@pytest.mark.dl
def test_segment_movie_zyx_array_and_zarr(tmp_path, movie, models):
    import zarr

    from volltrack.segmentation import segment, segment_movie

    settings = {"voxel_size": (2.0, 0.5, 0.5)}
    expected = segment(movie.raw[0], models, settings).labels
    segment_movie(movie.raw[0], tmp_path / "a", models, settings)
    assert np.array_equal(read_image(tmp_path / "a" / "labels.tif").data, expected[np.newaxis])
    store = zarr.open_array(
        str(tmp_path / "raw.zarr"), mode="w", shape=movie.raw.shape, dtype=movie.raw.dtype
    )
    store[...] = movie.raw
    segment_movie(tmp_path / "raw.zarr", tmp_path / "z", models, settings)
    assert np.array_equal(read_image(tmp_path / "z" / "labels.tif").data[0], expected)
    tifffile.imwrite(tmp_path / "plain.tif", movie.raw[0])  # no ImageJ axes: read by position
    segment_movie(tmp_path / "plain.tif", tmp_path / "p", models, settings)
    assert np.array_equal(read_image(tmp_path / "p" / "labels.tif").data[0], expected)


def _tiny_movie(n_frames=3):
    from volltrack.synthetic import SyntheticSettings, generate_movie

    settings = SyntheticSettings(
        shape=(8, 48, 48), n_frames=n_frames, n_cells=6, n_divisions=0, seed=TEST_SEED + 1
    )
    return generate_movie(settings).raw


def _outputs(folder):
    return {p.name: read_image(p).data for p in sorted(folder.glob("*.tif"))}


@pytest.mark.dl
@pytest.mark.slow
def test_segment_movie_threads_and_dask_workers_match_serial(tmp_path, models):
    from volltrack.segmentation import segment_movie

    raw = write_raw(tmp_path / "raw.tif", _tiny_movie())
    segment_movie(raw, tmp_path / "serial", models)
    expected = _outputs(tmp_path / "serial")
    assert set(expected) == {f"{k}.tif" for k in ("labels", "stardist", "foreground",
                                                  "probability", "markers")}  # fmt: skip
    assert expected["labels.tif"].shape[0] == 3 and expected["labels.tif"].max() > 0
    for scheduler, workers in (("threads", 3), ("local", 2)):
        out = tmp_path / scheduler
        calls = []
        segment_movie(
            raw, out, models, scheduler=scheduler, n_workers=workers,
            progress=lambda *a, calls=calls: calls.append(a),
        )  # fmt: skip
        assert sorted(calls) == [(1, 3, False), (2, 3, False), (3, 3, False)]
        got = _outputs(out)
        assert set(got) == set(expected)
        for name, array in expected.items():
            assert np.array_equal(got[name], array), (scheduler, name)
        record = json.loads((out / "segment.json").read_text())
        assert (
            record["fingerprint"]
            == json.loads((tmp_path / "serial" / "segment.json").read_text())["fingerprint"]
        )  # the scheduler is not a setting: a re-run may use another


@pytest.mark.dl
def test_a_failing_frame_is_named_and_the_others_are_written(tmp_path, capsys, models):
    from volltrack._parallel import FrameFailures
    from volltrack.segmentation import segment_movie

    raw = _tiny_movie().astype(np.float32)
    raw[1, 2, 3, 4] = np.nan  # frame 1 is corrupt
    out = tmp_path / "out"
    with pytest.raises(FrameFailures, match=r"1 of 3 frame\(s\) failed \(frame 1\)") as info:
        segment_movie(raw, out, models, scheduler="threads", n_workers=2)
    assert isinstance(info.value, InputError)  # bad input, not a fault
    assert "pixel (2, 3, 4) is nan" in str(info.value) and "\n" not in str(info.value)
    assert sorted(p.name for p in (out / "labels").iterdir()) == ["t00000.tif", "t00002.tif"]
    assert not (out / "labels.tif").exists()  # no TZYX file from an incomplete movie
    # the command line: one line, exit 2; a re-run redoes only the failed frame
    path = write_raw(tmp_path / "raw.tif", raw)
    args = [str(path), "--out", str(tmp_path / "cli"), "--workers", "2", "--quiet"]
    assert main(["segment", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "(frame 1)" in err[0], err
    assert sorted(p.name for p in (tmp_path / "cli" / "labels").iterdir()) == [
        "t00000.tif",
        "t00002.tif",
    ]


# ------------------------------------------------------------------------------------------
# thresholds


@pytest.mark.dl
def test_threshold_search_really_passes_candidates(movie, models):
    from volltrack.evaluation import average_precision
    from volltrack.segmentation import search_thresholds, segment

    base = {}
    search = search_thresholds(
        [movie.raw[0]],
        [movie.labels[0]],
        models,
        base,
        prob_threshs=(0.6, 0.95),
        nms_threshs=(0.45,),
        unet_thresholds=(0.05, 0.35),
    )
    table = search.table
    # the bundle's own values join the grid
    sizes = [
        len({*values, round(own, 6)})
        for values, own in [
            ((0.6, 0.95), models.prob_thresh),
            ((0.45,), models.nms_thresh),
            ((0.05, 0.35), models.unet_threshold),
        ]
    ]
    assert len(table) == np.prod(sizes)
    assert table["bundle_default"].sum() == 1
    assert search.score == table["ap"].max()
    best = table[table["ap"] == search.score].iloc[0]
    assert (search.prob_thresh, search.unet_threshold) == (
        best["prob_thresh"],
        best["unet_threshold"],
    )
    # the candidates reach NMS and fusion: counts and scores differ between them
    assert table["n_stardist"].nunique() > 1
    assert table["n_cells"].nunique() > 1
    # and the chosen thresholds, run through segment, give the recorded score
    chosen = segment(movie.raw[0], models, search.settings(make_base(base)))
    assert average_precision(movie.labels[0], chosen.labels, 0.5) == pytest.approx(search.score)
    low = segment(movie.raw[0], models, {**base, "prob_thresh": 0.6, "unet_threshold": 0.05})
    high = segment(movie.raw[0], models, {**base, "prob_thresh": 0.95, "unet_threshold": 0.35})
    assert not np.array_equal(low.labels, high.labels)


def make_base(values):
    from volltrack.segmentation import make_settings

    return make_settings(values)


# ------------------------------------------------------------------------------------------
# CLI


def run_segment(capsys, *args):
    code = main(["segment", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.err.strip().splitlines()


def bad_input(tmp_path, case):
    """(RAW, extra args, the name the message must hold) for one kind of bad input."""
    good = tmp_path / "raw.tif"
    write_raw(good, np.zeros((1, 4, 8, 8), np.uint16))
    if case == "2d":
        path = tmp_path / "flat.tif"
        tifffile.imwrite(path, np.zeros((8, 8), np.uint16))
        return path, [], "flat.tif"
    if case == "channels":
        path = tmp_path / "two_channels.tif"
        tifffile.imwrite(path, np.zeros((1, 4, 2, 8, 8), np.uint16), imagej=True)
        return path, [], "two_channels.tif"
    if case == "rgb":
        path = tmp_path / "rgb.tif"
        tifffile.imwrite(path, np.zeros((4, 8, 8, 3), np.uint8), photometric="rgb")
        return path, [], "rgb.tif"
    if case == "folder":
        (tmp_path / "not_zarr").mkdir()
        return tmp_path / "not_zarr", [], "not_zarr"
    if case == "complex":
        path = tmp_path / "complex.tif"
        tifffile.imwrite(path, np.zeros((4, 8, 8), np.complex64), photometric="minisblack")
        return path, [], "complex.tif"
    if case == "missing_raw":
        return tmp_path / "nothing.tif", [], "nothing.tif"
    if case == "corrupt_raw":
        path = tmp_path / "corrupt.tif"
        path.write_bytes(b"II*\x00garbage")
        return path, [], "corrupt.tif"
    if case == "missing_models":
        return good, ["--models", tmp_path / "no_bundle"], "no_bundle"
    if case == "corrupt_models":
        bundle = tmp_path / "bundle"
        bundle.mkdir()
        (bundle / "volltrack-models.json").write_text("{not json")
        return good, ["--models", bundle], "volltrack-models.json"
    if case == "prob_thresh":
        return good, ["--prob-thresh", "1.5"], "prob_thresh"
    if case == "nms_thresh":
        return good, ["--nms-thresh", "-0.2"], "nms_thresh"
    if case == "config_key":
        config = tmp_path / "segment.toml"
        config.write_text("[segment]\nprob_tresh = 0.5\n")
        return good, ["--config", config], "segment.toml"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "2d",
        "channels",
        "rgb",
        "folder",
        "complex",
        "missing_raw",
        "corrupt_raw",
        "missing_models",
        "corrupt_models",
        "prob_thresh",
        "nms_thresh",
        "config_key",
    ],
)
def test_cli_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, case):
    raw, extra, named = bad_input(tmp_path, case)
    out = tmp_path / "out"
    code, err = run_segment(capsys, raw, "--out", out, *extra)
    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith("volltrack segment: error:") and named in err[0], err[0]
    assert not out.exists()


@pytest.mark.dl
def test_cli_segments_and_refuses_other_settings(tmp_path, capsys, movie, models):
    raw = write_raw(tmp_path / "raw.tif", movie.raw[:1])
    out = tmp_path / "out"
    code, err = run_segment(capsys, raw, "--out", out, "--n2v", "--quiet")
    assert code == 0, err
    assert read_image(out / "labels.tif").data.max() > 0
    assert (out / "denoised.tif").exists() == (models.n2v is not None)
    code, err = run_segment(capsys, raw, "--out", out, "--no-n2v", "--prob-thresh", "0.8")
    assert code == 2 and len(err) == 1 and "--overwrite" in err[0]
    code, err = run_segment(
        capsys, raw, "--out", out, "--no-n2v", "--prob-thresh", "0.8", "--overwrite", "--quiet"
    )
    assert code == 0, err
    assert json.loads((out / "segment.json").read_text())["settings"]["prob_thresh"] == 0.8


def test_cli_settings_from_config_and_flags(tmp_path):
    from volltrack._cli.segment import settings_from_args
    from volltrack.cli import build_parser

    config = tmp_path / "segment.toml"
    config.write_text("[segment]\nprob_thresh = 0.6\nnms_thresh = 0.2\nmin_volume = 5.0\n")
    flags = ["--n-tiles", "1", "2", "2", "--no-n2v", "--voxel-size", "1", "0.25", "0.25"]
    args = build_parser().parse_args(
        ["segment", "raw.tif", "--out", "o", "--config", str(config), "--nms-thresh", "0.4", *flags]
    )
    settings = settings_from_args(args)
    assert settings.prob_thresh == 0.6  # from the file
    assert settings.nms_thresh == 0.4  # the flag wins
    assert settings.min_volume == 5.0
    assert settings.n_tiles == (1, 2, 2) and settings.use_n2v is False
    assert settings.voxel_size == (1.0, 0.25, 0.25)
