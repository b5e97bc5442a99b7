"""Calibrated ImageJ TIFFs, atomic writes and the CTC track file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import tifffile

from volltrack import VolltrackError
from volltrack.io import (
    read_ctc_tracks,
    read_image,
    write_ctc_tracks,
    write_imagej_tzyx,
)


@pytest.mark.parametrize("dtype", [np.uint16, np.float32, np.uint8])
def test_imagej_round_trip_keeps_pixels_and_calibration(tmp_path, dtype):
    rng = np.random.default_rng(0)
    data = (rng.random((3, 5, 7, 9)) * 200).astype(dtype)
    path = write_imagej_tzyx(tmp_path / "a.tif", data, (1.5, 0.25, 0.4), 42.0)
    img = read_image(path)
    assert img.axes == "TZYX"
    assert img.data.dtype == dtype
    np.testing.assert_array_equal(img.data, data)
    assert img.voxel_size == pytest.approx((1.5, 0.25, 0.4))
    assert img.time_interval == pytest.approx(42.0)
    assert img.unit == "micron"


def test_calibration_as_imagej_sees_it(tmp_path):
    data = np.zeros((4, 3, 8, 10), dtype=np.uint16)
    write_imagej_tzyx(tmp_path / "a.tif", data, (2.0, 0.5, 0.25), 30.0)
    with tifffile.TiffFile(tmp_path / "a.tif") as tif:
        assert tif.is_imagej
        meta = tif.imagej_metadata
        assert meta["frames"] == 4 and meta["slices"] == 3
        assert meta["spacing"] == pytest.approx(2.0)
        assert meta["finterval"] == pytest.approx(30.0)
        assert meta["unit"] == "micron"
        tags = tif.pages.first.tags
        xnum, xden = tags["XResolution"].value
        ynum, yden = tags["YResolution"].value
        assert xden / xnum == pytest.approx(0.25, rel=1e-6)  # pixels per micron -> micron
        assert yden / ynum == pytest.approx(0.5, rel=1e-6)
        assert tif.series[0].axes == "TZYX"


def test_labels_and_masks_are_converted_to_imagej_types(tmp_path):
    labels = np.arange(2 * 2 * 3 * 3, dtype=np.int32).reshape(2, 2, 3, 3) * 1000
    write_imagej_tzyx(tmp_path / "l.tif", labels, (1, 1, 1), 1.0)
    back = read_image(tmp_path / "l.tif").data
    assert back.dtype == np.uint16
    np.testing.assert_array_equal(back, labels)
    mask = labels > 10_000
    write_imagej_tzyx(tmp_path / "m.tif", mask, (1, 1, 1), 1.0)
    back = read_image(tmp_path / "m.tif").data
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back > 0, mask)
    assert set(np.unique(back)) <= {0, 255}


@pytest.mark.parametrize(
    ("array", "voxel_size", "interval", "needle"),
    [
        (np.zeros((3, 4, 5), np.uint16), (1, 1, 1), 1.0, "(3, 4, 5)"),
        (np.zeros((1, 2, 3, 4), np.uint16), (0, 1, 1), 1.0, "voxel_size"),
        (np.zeros((1, 2, 3, 4), np.uint16), (1, 1, 1), 0.0, "time_interval"),
        (np.full((1, 2, 3, 4), 70_000, np.int32), (1, 1, 1), 1.0, "70000"),
        (np.full((1, 2, 3, 4), -1, np.int32), (1, 1, 1), 1.0, "-1"),
    ],
)
def test_write_rejects_bad_input_with_a_message(tmp_path, array, voxel_size, interval, needle):
    with pytest.raises(VolltrackError, match=__import__("re").escape(needle)):
        write_imagej_tzyx(tmp_path / "x.tif", array, voxel_size, interval)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "a.tif"
    old = np.ones((1, 2, 3, 4), np.uint16)
    write_imagej_tzyx(path, old, (1, 1, 1), 1.0)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tifffile, "imwrite", boom)
    with pytest.raises(OSError, match="disk full"):
        write_imagej_tzyx(path, old * 7, (1, 1, 1), 1.0)
    assert [p.name for p in tmp_path.iterdir()] == ["a.tif"]
    monkeypatch.undo()
    np.testing.assert_array_equal(read_image(path).data, old)


def test_read_image_errors(tmp_path):
    with pytest.raises(VolltrackError, match="no such file"):
        read_image(tmp_path / "missing.tif")
    bad = tmp_path / "bad.tif"
    bad.write_text("not a tiff")
    with pytest.raises(VolltrackError, match="not a readable TIFF"):
        read_image(bad)


def test_plain_tiff_has_no_calibration(tmp_path):
    tifffile.imwrite(tmp_path / "p.tif", np.zeros((3, 4, 5), np.uint16), photometric="minisblack")
    img = read_image(tmp_path / "p.tif")
    assert img.voxel_size is None and img.time_interval is None
    assert img.data.shape == (3, 4, 5)


def test_ctc_track_file_round_trip_and_errors(tmp_path):
    tracks = pd.DataFrame(
        {"label": [1, 2, 3], "start": [0, 3, 3], "end": [2, 5, 4], "parent": [0, 1, 1]}
    )
    path = write_ctc_tracks(tmp_path / "man_track.txt", tracks)
    assert path.read_text() == "1 0 2 0\n2 3 5 1\n3 3 4 1\n"
    pd.testing.assert_frame_equal(read_ctc_tracks(path), tracks.astype("int64"))
    (tmp_path / "bad.txt").write_text("1 0 2 0\n2 3 x 1\n")
    with pytest.raises(VolltrackError, match="line 2"):
        read_ctc_tracks(tmp_path / "bad.txt")
    with pytest.raises(VolltrackError, match="missing columns"):
        write_ctc_tracks(tmp_path / "t.txt", tracks.drop(columns="parent"))


@pytest.mark.parametrize("shape", [(1, 2, 3, 4), (3, 1, 4, 5), (1, 1, 4, 5)])
def test_length_one_time_or_z_axes_survive(tmp_path, shape):
    data = np.arange(np.prod(shape), dtype=np.uint16).reshape(shape)
    write_imagej_tzyx(tmp_path / "a.tif", data, (1.0, 0.5, 0.5), 2.0)
    img = read_image(tmp_path / "a.tif")
    assert img.axes == "TZYX"
    np.testing.assert_array_equal(img.data, data)
