"""The cell table (``volltrack.measure``): hand-computed values, dask, CLI, and BTrackmate's
own label-image input as the oracle."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from volltrack._errors import InputError
from volltrack.io import write_imagej_tzyx
from volltrack.measure import measure, measure_files

VS = (2.0, 0.5, 0.25)  # (z, y, x) µm: anisotropic


def box_movie() -> np.ndarray:
    """Frame 0: label 7 a box z 1..2, y 2..4, x 3..6 and label 3 one voxel; frame 1 empty;
    frame 2: label 7 again, shifted by one voxel in x."""
    lab = np.zeros((3, 4, 8, 10), dtype=np.uint16)
    lab[0, 1:3, 2:5, 3:7] = 7
    lab[0, 0, 0, 0] = 3
    lab[2, 1:3, 2:5, 4:8] = 7
    return lab


def test_box_cell_hand_computed():
    table = measure(box_movie(), voxel_size=VS)
    assert list(table.columns) == [
        "id", "frame", "label", "x", "y", "z", "volume", "surface_area", "radius",
        "extent_x", "extent_y", "extent_z",
    ]  # fmt: skip
    assert table["id"].tolist() == [0, 1, 2]  # (frame, label) order
    assert table["frame"].tolist() == [0, 0, 2]  # the empty frame 1 has no rows
    assert table["label"].tolist() == [3, 7, 7]
    assert table["id"].dtype == np.int64 and table["label"].dtype == np.int64
    box = table.iloc[1]
    # mean index × voxel size, no half-voxel shift: x indices 3..6 -> 4.5
    assert box["x"] == pytest.approx(4.5 * 0.25)
    assert box["y"] == pytest.approx(3.0 * 0.5)
    assert box["z"] == pytest.approx(1.5 * 2.0)
    n = 2 * 3 * 4
    assert box["volume"] == pytest.approx(n * 2.0 * 0.5 * 0.25)
    assert box["radius"] == pytest.approx((3 * box["volume"] / (4 * math.pi)) ** (1 / 3))
    assert (box["extent_x"], box["extent_y"], box["extent_z"]) == pytest.approx((1.0, 1.5, 4.0))
    # voxel faces of a 1.0 × 1.5 × 4.0 µm box
    assert box["surface_area"] == pytest.approx(2 * (1.0 * 1.5 + 1.0 * 4.0 + 1.5 * 4.0))
    single = table.iloc[0]
    assert (single["x"], single["y"], single["z"]) == (0.0, 0.0, 0.0)
    assert single["surface_area"] == pytest.approx(2 * (2.0 * 0.5 + 2.0 * 0.25 + 0.5 * 0.25))
    assert table.iloc[2]["x"] == pytest.approx(5.5 * 0.25)


def test_touching_cells_each_count_their_shared_face():
    lab = np.zeros((1, 1, 1, 2), dtype=np.int32)
    lab[0, 0, 0] = [1, 2]
    table = measure(lab, voxel_size=(1.0, 1.0, 1.0))
    # each unit voxel keeps all six faces: the face between two cells belongs to both
    assert table["surface_area"].tolist() == [6.0, 6.0]


def test_zyx_labels_are_one_frame_and_all_empty_is_an_empty_table():
    lab = box_movie()[0]
    table = measure(lab, voxel_size=VS)
    assert table["frame"].tolist() == [0, 0]
    empty = measure(np.zeros((2, 3, 4, 5), np.uint8), voxel_size=VS)
    assert len(empty) == 0 and "volume" in empty.columns


def test_intensities_per_channel():
    lab = box_movie()
    rng = np.random.default_rng(1)
    raw = rng.normal(100, 20, size=(3, 2, 4, 8, 10)).astype(np.float32)
    table = measure(lab, raw=raw, voxel_size=VS)
    sel = lab[0] == 7
    for c in (1, 2):
        values = raw[0, c - 1][sel].astype(np.float64)
        row = table.iloc[1]
        assert row[f"total_intensity_ch{c}"] == pytest.approx(values.sum(), rel=1e-12)
        assert row[f"mean_intensity_ch{c}"] == pytest.approx(values.mean(), rel=1e-12)
        assert row[f"std_intensity_ch{c}"] == pytest.approx(values.std(ddof=0), rel=1e-12)
    # one channel (TZYX raw): no suffix
    one = measure(lab, raw=raw[:, 0], voxel_size=VS)
    assert "mean_intensity" in one.columns and "mean_intensity_ch1" not in one.columns
    np.testing.assert_array_equal(one["mean_intensity"], table["mean_intensity_ch1"])


def test_uint16_intensities_are_true_values_not_counts():
    lab = np.zeros((1, 1, 2, 2), np.uint8)
    lab[0, 0, 0, :] = 1
    raw = np.array([[[[60000, 50000], [1, 1]]]], dtype=np.uint16)
    row = measure(lab, raw=raw, voxel_size=VS).iloc[0]
    assert row["total_intensity"] == 110000.0
    assert row["mean_intensity"] == 55000.0
    assert row["std_intensity"] == 5000.0


def test_tissue_fraction_and_signed_distance():
    lab = np.zeros((1, 3, 5, 12), np.uint16)
    lab[0, 1, 2, 1:5] = 1  # x 1..4, centroid x index 2.5 -> voxel 3 (round half up)
    lab[0, 1, 2, 7:10] = 2  # x 7..9, centroid voxel 8
    mask = np.zeros((3, 5, 12), np.uint8)
    mask[:, :, :6] = 255  # tissue: x 0..5
    table = measure(lab, mask=mask, voxel_size=(1.0, 1.0, 0.5))
    assert table["inside_tissue"].tolist() == [1.0, 0.0]
    # cell 1: voxel x=3, nearest non-tissue voxel x=6: 3 voxels × 0.5 µm, positive inside
    # cell 2: voxel x=8, nearest tissue voxel x=5: 3 × 0.5 µm, negative outside
    assert table["distance_to_boundary"].tolist() == [1.5, -1.5]
    # partial overlap: a cell across the boundary
    lab2 = np.zeros_like(lab)
    lab2[0, 1, 2, 3:8] = 4  # x 3..7: 3 of 5 voxels in tissue
    part = measure(lab2, mask=mask, voxel_size=(1.0, 1.0, 0.5))
    assert part["inside_tissue"].tolist() == [pytest.approx(3 / 5)]


def test_distance_uses_anisotropic_sampling():
    lab = np.zeros((1, 7, 7, 7), np.uint16)
    lab[0, 3, 3, 3] = 1
    mask = np.zeros((7, 7, 7), bool)
    mask[1:6, 1:6, 1:6] = True  # boundary 3 voxels away along every axis
    table = measure(lab, mask=mask, voxel_size=(2.0, 1.0, 0.5))
    assert table["distance_to_boundary"].tolist() == [3 * 0.5]  # the closest: along x


def test_tzyx_mask_per_frame_and_no_boundary_is_nan():
    lab = np.zeros((2, 2, 3, 3), np.uint16)
    lab[:, 0, 1, 1] = 1
    mask = np.zeros((2, 2, 3, 3), np.uint8)
    mask[0] = 1  # all tissue in frame 0: no boundary in the image
    mask[1, 0, 1, 1] = 1
    table = measure(lab, mask=mask, voxel_size=(1.0, 1.0, 1.0))
    assert table["inside_tissue"].tolist() == [1.0, 1.0]
    assert math.isnan(table["distance_to_boundary"][0])
    assert table["distance_to_boundary"][1] == 1.0


def test_parallel_schedulers_equal_serial():
    from volltrack.synthetic import generate_movie, preset_settings

    movie = generate_movie(preset_settings("small", n_frames=4))
    kwargs = {"raw": movie.raw, "mask": movie.tissue_mask, "voxel_size": movie.settings.voxel_size}
    serial = measure(movie.labels, **kwargs)
    assert len(serial) > 20
    threads = measure(movie.labels, n_workers=3, **kwargs)
    sync = measure(movie.labels, scheduler="synchronous", **kwargs)
    cluster = measure(movie.labels, scheduler="local", n_workers=2, **kwargs)
    for other in (threads, sync, cluster):
        pd.testing.assert_frame_equal(serial, other, check_exact=True)


@pytest.mark.parametrize("n_workers", [None, 2])
def test_progress_is_called_once_per_frame(n_workers):
    calls = []
    measure(box_movie(), voxel_size=VS, n_workers=n_workers, progress=lambda *a: calls.append(a))
    assert calls == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"labels": np.zeros((2, 3, 4, 5), np.float32)}, "float"),
        ({"labels": np.zeros((3, 4), np.uint8)}, "(3, 4)"),
        ({"raw": np.zeros((2, 3, 4, 6))}, "(2, 3, 4, 6)"),
        ({"raw": np.zeros((3, 3, 4, 5))}, "labels shape (2, 3, 4, 5)"),
        ({"mask": np.zeros((3, 4, 6))}, "mask shape (3, 4, 6)"),
        ({"mask": np.zeros((3, 3, 4, 5))}, "mask shape (3, 3, 4, 5)"),
        ({"voxel_size": (1.0, 0.0, 1.0)}, "voxel_size"),
        ({"voxel_size": None}, "voxel_size"),
        ({"time_interval": 0.0}, "time_interval"),
    ],
)
def test_bad_inputs_raise(kwargs, message):
    args = {"labels": np.zeros((2, 3, 4, 5), np.uint16), "voxel_size": (1.0, 1.0, 1.0)}
    args.update(kwargs)
    labels = args.pop("labels")
    with pytest.raises(InputError, match=None) as info:
        measure(labels, **args)
    assert message in str(info.value)


def test_negative_label_is_refused():
    lab = np.zeros((1, 2, 2, 2), np.int16)
    lab[0, 1, 0, 1] = -3
    with pytest.raises(InputError, match=r"negative label -3 at voxel \(t=0, z=1, y=0, x=1\)"):
        measure(lab, voxel_size=(1.0, 1.0, 1.0))


# --- files and the command line --------------------------------------------------------------


def write_box_files(folder: Path) -> dict[str, Path]:
    lab = box_movie()
    raw = (np.arange(lab.size, dtype=np.uint16).reshape(lab.shape) % 1000).astype(np.uint16)
    mask = np.zeros(lab.shape, np.uint8)
    mask[:, :, :, :5] = 255
    paths = {
        "labels": write_imagej_tzyx(folder / "labels.tif", lab, VS, 30.0),
        "raw": write_imagej_tzyx(folder / "raw.tif", raw, VS, 30.0),
        "mask": write_imagej_tzyx(folder / "mask.tif", mask, VS, 30.0),
    }
    return paths


def test_measure_files_uses_calibration_and_writes_csv(tmp_path):
    p = write_box_files(tmp_path)
    out = tmp_path / "cells.csv"
    table = measure_files(p["labels"], p["raw"], p["mask"], out=out)
    assert table.attrs["voxel_size"] == VS and table.attrs["time_interval"] == 30.0
    expected = measure(
        box_movie(),
        raw=write_read(p["raw"]),
        mask=write_read(p["mask"]),
        voxel_size=VS,
    )
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    back = pd.read_csv(out, float_precision="round_trip")
    pd.testing.assert_frame_equal(back, expected, check_exact=True)  # repr floats round-trip
    with pytest.raises(InputError, match="already exists"):
        measure_files(p["labels"], out=out)
    override = measure_files(p["labels"], voxel_size=(1.0, 1.0, 1.0), out=out, overwrite=True)
    assert override["x"].tolist() == [0.0, 4.5, 5.5]


def write_read(path: Path) -> np.ndarray:
    from volltrack.io import read_image

    return np.asarray(read_image(path).data)


def test_measure_files_without_calibration_needs_voxel_size(tmp_path):
    import tifffile

    path = tmp_path / "plain.tif"
    tifffile.imwrite(path, box_movie()[0], photometric="minisblack")
    with pytest.raises(InputError, match="no voxel size"):
        measure_files(path)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    python_dir = str(Path(__file__).resolve().parents[1] / "python")
    env["PYTHONPATH"] = python_dir + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "volltrack.cli", "measure", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_cli_writes_and_refuses_to_overwrite(tmp_path):
    p = write_box_files(tmp_path)
    out = tmp_path / "cells.csv"
    args = [str(p["labels"]), "--raw", str(p["raw"]), "--mask", str(p["mask"]), "--out", str(out)]
    first = run_cli(*args, "--workers", "2")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"wrote {out}: 3 cells in 2 non-empty frames"
    table = pd.read_csv(out)
    assert table["label"].tolist() == [3, 7, 7]
    assert {"mean_intensity", "inside_tissue", "distance_to_boundary"} <= set(table.columns)
    before = out.read_bytes()
    again = run_cli(*args)
    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [
        f"volltrack measure: error: {out}: already exists (use --overwrite to replace it)"
    ]
    assert out.read_bytes() == before
    replaced = run_cli(*args, "--overwrite", "--voxel-size", "1", "1", "1", "--quiet")
    assert replaced.returncode == 0 and replaced.stdout == ""
    assert pd.read_csv(out)["x"].tolist() == [0.0, 4.5, 5.5]


@pytest.mark.parametrize("case", ["float_labels", "shape_mismatch", "missing_file"])
def test_cli_bad_input_is_one_line_exit_2_and_no_file(tmp_path, case):
    p = write_box_files(tmp_path)
    labels = str(p["labels"])
    extra: list[str] = []
    if case == "float_labels":
        labels = str(write_imagej_tzyx(tmp_path / "f.tif", box_movie().astype(np.float32), VS, 1.0))
    elif case == "shape_mismatch":
        small = write_imagej_tzyx(tmp_path / "small.tif", np.zeros((3, 4, 8, 9), np.uint8), VS, 1)
        extra = ["--raw", str(small)]
    else:
        labels = str(tmp_path / "missing.tif")
    out = tmp_path / "cells.csv"
    result = run_cli(labels, *extra, "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("volltrack measure: error:"), result.stderr
    if case == "shape_mismatch":
        assert "(3, 4, 8, 9)" in lines[0] and "(3, 4, 8, 10)" in lines[0]
    assert not out.exists()
    assert [f.name for f in tmp_path.iterdir() if f.suffix == ".csv" or "cells" in f.name] == []


# --- BTrackmate's Java label-image input as the oracle ---------------------------------------


@pytest.mark.jvm
@pytest.mark.parametrize("dtype", ["uint16", "float32"])
def test_agrees_with_btrackmate_label_image_input(tmp_path, dtype):
    from volltrack.io import read_trackmate_graph
    from volltrack.synthetic import generate_movie, preset_settings, write_movie
    from volltrack.tracking import run_btrackmate

    movie = generate_movie(preset_settings("small", n_frames=5, dtype=dtype))
    assert movie.raw.dtype == dtype
    files = write_movie(movie, tmp_path / "movie")
    labels, raw = files["labels.tif"], files["raw.tif"]
    # the synthetic tissue holds every cell: cut it in half along x so that cells straddle it
    cut = movie.tissue_mask.copy()
    cut[..., cut.shape[-1] // 2 :] = 0
    mask = write_imagej_tzyx(tmp_path / "mask.tif", cut, movie.settings.voxel_size, 1.0)
    cells = tmp_path / "cells.csv"
    table = measure_files(labels, raw, mask, out=cells)
    partly = table["inside_tissue"].between(0, 1, inclusive="neither")
    assert partly.sum() >= 3 and (table["inside_tissue"] == 0).any()
    assert (table["distance_to_boundary"] < 0).any() and (table["distance_to_boundary"] > 0).any()
    xml = tmp_path / "from_labels.xml"
    run_btrackmate(
        [
            "--labels",
            str(labels),
            "--raw",
            str(raw),
            "--mask",
            str(mask),
            "--out",
            str(xml),
            "--quiet",
        ]
    )
    spots = read_trackmate_graph(xml).spots.sort_values("id").reset_index(drop=True)
    assert spots["id"].tolist() == table["id"].tolist()
    assert spots["frame"].tolist() == table["frame"].tolist()
    assert spots["LABEL"].astype(np.int64).tolist() == table["label"].tolist()
    pairs = {
        "POSITION_X": "x", "POSITION_Y": "y", "POSITION_Z": "z", "VOLUME": "volume",
        "RADIUS": "radius", "EXTENT_X": "extent_x", "EXTENT_Y": "extent_y",
        "EXTENT_Z": "extent_z", "MEAN_INTENSITY_CH1": "mean_intensity",
        "TOTAL_INTENSITY_CH1": "total_intensity", "STD_INTENSITY_CH1": "std_intensity",
        "INSIDE_TISSUE": "inside_tissue",
    }  # fmt: skip
    for java, ours in pairs.items():
        np.testing.assert_allclose(table[ours], spots[java], rtol=1e-9, atol=0, err_msg=java)

    # the table is a valid BTrackmate input that gives the same spots
    xml2 = tmp_path / "from_csv.xml"
    run_btrackmate(["--cells", str(cells), "--out", str(xml2), "--quiet"])
    spots2 = read_trackmate_graph(xml2).spots.sort_values("id").reset_index(drop=True)
    assert spots2["id"].tolist() == spots["id"].tolist()
    for java in pairs:
        np.testing.assert_allclose(spots2[java], spots[java], rtol=1e-9, atol=0, err_msg=java)
    np.testing.assert_allclose(
        spots2["DISTANCE_TO_BOUNDARY"], table["distance_to_boundary"], rtol=1e-12
    )


def test_top_level_names():
    import volltrack
    import volltrack.measure as module_or_function

    assert volltrack.measure is measure and volltrack.measure_files is measure_files
    assert module_or_function is measure  # ``import ... as`` resolves the package attribute
    table = volltrack.measure(box_movie(), voxel_size=VS)
    assert table["label"].tolist() == [3, 7, 7]
