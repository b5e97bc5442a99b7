"""The BTrackmate and ImageJ 1 jars: found in a checkout, and carried by a built wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from volltrack._errors import VolltrackError
from volltrack._jars import find_jars


def test_find_jars_in_checkout():
    jars = find_jars()
    assert jars.btrackmate.name.startswith("BTrackmate_-")
    assert jars.imagej1.name.startswith("ij-")
    with zipfile.ZipFile(jars.imagej1) as zf:
        assert "ij/ImagePlus.class" in zf.namelist()
    with zipfile.ZipFile(jars.btrackmate) as zf:
        names = zf.namelist()
    assert "org/volltrack/btrackmate/model/Spot.class" in names
    # third-party code is shaded under our namespace, never at its original package
    assert not [n for n in names if n.startswith(("org/apache/commons/", "com/google/gson/"))]


def test_env_var_pointing_to_a_folder_without_jars_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("VOLLTRACK_JARS", str(tmp_path))
    with pytest.raises(VolltrackError, match=r"VOLLTRACK_JARS=.*BTrackmate_-\*\.jar"):
        find_jars()


@pytest.mark.slow
def test_wheel_carries_the_jars_and_finds_them_without_a_checkout(tmp_path, repo_root):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(repo_root)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("volltrack-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "site")
    assert any(n.startswith("volltrack/jars/BTrackmate_-") and n.endswith(".jar") for n in names)
    assert any(n.startswith("volltrack/jars/lib/ij-") and n.endswith(".jar") for n in names)
    assert "volltrack/py.typed" in names
    assert "volltrack/napari/napari.yaml" in names  # the napari plugin's manifest
    with zipfile.ZipFile(wheel) as zf:
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "volltrack = volltrack.napari:napari.yaml" in zf.read(entry_points).decode()
    # the shipped segmentation model bundle is package data: manifest, configs, weights
    bundle = "volltrack/segmentation/models/synthetic-membrane/"
    for member in (
        "volltrack-models.json",
        "stardist/config.json",
        "stardist/thresholds.json",
        "stardist/weights_best.h5",
        "unet/config.json",
        "unet/weights_best.h5",
    ):
        assert bundle + member in names, member
    # Import the unpacked wheel (not the checkout) and locate the jars inside it.
    site = str(tmp_path / "site")
    code = (
        f"import sys; sys.path.insert(0, {site!r}); from volltrack._jars import find_jars; "
        "j = find_jars(); print(j.btrackmate); print(j.imagej1); "
        "from volltrack.segmentation import read_manifest, shipped_models_path; "
        "p = shipped_models_path(); read_manifest(p); print(p / 'volltrack-models.json')"
    )
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=True,
    ).stdout.split()  # fmt: skip
    assert len(out) == 3
    for p in out:
        assert Path(p).is_relative_to(tmp_path / "site"), p
        assert Path(p).is_file()
