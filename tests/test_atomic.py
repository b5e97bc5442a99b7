"""Atomic writes: all or nothing, and what a killed writer left behind is cleaned up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from volltrack._errors import InputError
from volltrack.io import atomic_path, replace_folder, temporary_folder, write_text_atomic


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "cells.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["cells.csv"]


def test_leftovers_of_a_dead_writer_are_removed_those_of_a_live_one_kept(tmp_path):
    target = tmp_path / "cells.csv"
    dead = _dead_pid()
    stale_file = tmp_path / f".cells.csv.tmp-{dead}-x1.csv"
    stale_file.write_text("half")
    stale_dir = tmp_path / f".cells.csv.tmp-{dead}-x2"
    (stale_dir / "inner").mkdir(parents=True)
    live = tmp_path / f".cells.csv.tmp-{os.getpid()}-x3.csv"  # this process
    live.write_text("in progress")
    other = tmp_path / f".other.csv.tmp-{dead}-x4.csv"  # another target's: not ours to remove
    other.write_text("x")
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["cells.csv", live.name, other.name]
    )


def test_replace_folder_swaps_whole_folders_and_cleans_a_dead_writers_folder(tmp_path):
    target = tmp_path / "analysis"
    target.mkdir()
    (target / "old.csv").write_text("old")
    stale = tmp_path / f".analysis.tmp-{_dead_pid()}-abc"
    stale.mkdir()
    new = temporary_folder(target)
    assert not stale.exists()
    (new / "new.csv").write_text("new")
    replace_folder(new, target)
    assert [p.name for p in target.iterdir()] == ["new.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["analysis"]


def test_a_folder_or_a_missing_parent_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a folder"), atomic_path(tmp_path):
        pass
    with pytest.raises(InputError, match="does not exist"), atomic_path(tmp_path / "no" / "x"):
        pass
