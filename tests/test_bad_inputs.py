"""Every ``volltrack`` entry point on the bad-input corpus (``tests/bad_inputs``).

Each case must end with exit status 2 and ONE stderr line that names the file, the place and
what was expected; no traceback; no output (file, folder or temporary) created; and, run again
with ``--overwrite`` over an existing output, that output left byte for byte as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bad_inputs.corpus import BAD_XML, CASES, VALID_LABELS, VALID_XML, Case, write_case
from volltrack.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for a folder)."""
    return {
        str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


def _prepare(case: Case, tmp_path: Path, existing: bool) -> tuple[list[str], Path, Path]:
    inputs, outputs = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    outputs.mkdir()
    write_case(case, inputs)
    argv = [a.replace("{in}", str(inputs)).replace("{out}", str(outputs)) for a in case.argv]
    if existing:
        target = outputs / case.output
        if case.output_is_dir:
            target.mkdir()
            (target / "earlier.txt").write_bytes(b"an earlier result\n")
        else:
            target.write_bytes(b"an earlier result\n\x00\xff")
        argv.append("--overwrite")
    return argv, inputs, outputs


def _check_error_line(case: Case, err: str, out: str) -> None:
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, f"expected one stderr line, got {len(lines)}:\n{err[:2000]}"
    line = lines[0]
    assert line.startswith(f"volltrack {case.stage}: error: "), line
    assert len(line) < 1000, f"error line of {len(line)} characters"
    for part in case.expect:
        assert part in line, f"{part!r} not in {line!r}"
    assert out == ""


def _params():
    for case in CASES:
        marks = [pytest.mark.jvm] if case.jvm else []
        if case.dl:
            marks += [pytest.mark.dl, pytest.mark.slow]
        for existing in (False, True):
            yield pytest.param(
                case,
                existing,
                id=f"{case.id}-{'over-existing' if existing else 'fresh'}",
                marks=marks,
            )


@pytest.fixture(autouse=True)
def _jars(monkeypatch):
    if "VOLLTRACK_JARS" not in os.environ and (ROOT / "python/volltrack/jars").is_dir() is False:
        main_jars = ROOT.parent.parent / "main/python/volltrack/jars"
        if main_jars.is_dir():
            monkeypatch.setenv("VOLLTRACK_JARS", str(main_jars))


@pytest.mark.parametrize(("case", "existing"), list(_params()))
def test_bad_input(case: Case, existing: bool, tmp_path, capfd):
    argv, inputs, outputs = _prepare(case, tmp_path, existing)
    before_in, before_out = _snapshot(inputs), _snapshot(outputs)
    capfd.readouterr()
    status = main(argv)
    captured = capfd.readouterr()
    assert status == 2, captured.err
    _check_error_line(case, captured.err, captured.out)
    assert _snapshot(outputs) == before_out, "the output folder changed"
    assert _snapshot(inputs) == before_in, "an input changed"


def test_corpus_ids_are_unique_and_cover_every_stage():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    from volltrack.cli import STAGES

    implemented = set(STAGES) - {"demo"}  # demo runs the others on its own movie
    assert implemented <= {c.stage for c in CASES}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=[pytest.mark.dl, pytest.mark.slow] if c.dl else [], id=c.id)
        for c in CASES
        if c.id
        in (
            "measure-truncated_stack",
            "analyze-xxe_utf16",
            "segment-bundle-missing_weights",
            "run-labels_float",
        )
    ],
)
def test_bad_input_in_a_subprocess_shows_no_traceback(case: Case, tmp_path):
    """The installed command: one line on the terminal, whatever the libraries log."""
    argv, _inputs, outputs = _prepare(case, tmp_path, existing=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python")}
    result = subprocess.run(
        [sys.executable, "-m", "volltrack.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    _check_error_line(case, result.stderr, result.stdout)
    assert list(outputs.iterdir()) == []


def test_the_valid_inputs_of_the_corpus_work(tmp_path):
    """The corpus's bad files are one change away from these valid ones, which are accepted."""
    (tmp_path / "tracks.xml").write_bytes(VALID_XML)
    VALID_LABELS(tmp_path / "labels.tif")
    xml, labels = str(tmp_path / "tracks.xml"), str(tmp_path / "labels.tif")
    assert main(["measure", labels, "--out", str(tmp_path / "c.csv"), "--quiet"]) == 0
    assert main(["analyze", xml, "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert (
        main(["export", "ctc", xml, "--labels", labels, "--out", str(tmp_path / "R"), "--quiet"])
        == 0
    )


def test_missing_filtered_tracks_means_every_track(tmp_path):
    """No ``FilteredTracks``: not an error (TrackMate 3 files have none); every track is kept."""
    from volltrack.io import read_trackmate

    path = tmp_path / "t.xml"
    path.write_text(VALID_XML.decode().replace(
        '<FilteredTracks><TrackID TRACK_ID="0"/></FilteredTracks>', ""))  # fmt: skip
    data = read_trackmate(path)
    assert data.filtered_track_ids is None
    assert data.tracks["filtered"].tolist() == [True]
    assert len(data.edges) == 1


def test_xml_attack_files_are_refused_by_the_parser_itself(tmp_path, monkeypatch):
    """Defence in depth: without the prolog scan, lxml (no DTD loading, no entity resolution,
    no network) and the DOCTYPE check at the root still refuse every entity attack."""
    import volltrack.io._trackmate as tm
    from volltrack._errors import InputError

    monkeypatch.setattr(tm, "_check_prolog", lambda path: None)
    for name in ("xxe", "xxe_after_long_comment", "billion_laughs", "parameter_entity", "doctype"):
        path = tmp_path / f"{name}.xml"
        path.write_bytes(BAD_XML[name][0])
        with pytest.raises(InputError) as info:
            tm.read_trackmate(path)
        assert "\n" not in str(info.value)
        assert "root:" not in str(info.value)


def test_names_in_files_cannot_write_outside_the_output_folder(tmp_path):
    """Image, spot and track names from a file never become paths: every file the stages write
    lies inside the output folder the user chose."""
    from bad_inputs.corpus import IMAGE, SPOTS, trackmate_xml

    evil = "../../../escape"
    xml = trackmate_xml(
        spots=SPOTS.replace('name="a"', f'name="{evil}"').replace('name="b"', 'name="/tmp/x"'),
        track=f'name="{evil}" TRACK_ID="0"',
        image=IMAGE.replace(
            'filename="labels.tif" folder=""', f'filename="{evil}.tif" folder=".."'
        ),
    )
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    (work / "tracks.xml").write_text(xml)
    VALID_LABELS(work / "labels.tif")
    before = set(tmp_path.rglob("*"))
    out = work / "out"
    out.mkdir()
    x, lab = str(work / "tracks.xml"), str(work / "labels.tif")
    assert main(["analyze", x, "--out", str(out / "analysis"), "--quiet"]) == 0
    assert main(["export", "geff", x, "--out", str(out / "t.geff"), "--quiet"]) == 0
    assert main(["export", "ctc", x, "--labels", lab, "--out", str(out / "RES"), "--quiet"]) == 0
    new = set(tmp_path.rglob("*")) - before - {out}
    assert new and all(out in p.parents for p in new), sorted(
        new - {p for p in new if out in p.parents}
    )
    assert not any("escape" in p.name for p in tmp_path.rglob("*") if p != work / "tracks.xml")


@pytest.mark.jvm
def test_cell_names_cannot_write_outside_the_output_folder(tmp_path):
    """A cells.csv ``name`` that looks like a path stays a name (track writes one XML file)."""
    work = tmp_path / "w"
    work.mkdir()
    (work / "cells.csv").write_text("frame,x,y,z,name\n0,1,1,1,../../evil\n1,1,1,1,/tmp/evil2\n")
    before = set(tmp_path.rglob("*"))
    assert main(["track", str(work / "cells.csv"), "--out", str(work / "t.xml"), "--quiet"]) == 0
    assert set(tmp_path.rglob("*")) - before == {work / "t.xml"}
    from volltrack.io import read_trackmate

    assert read_trackmate(work / "t.xml").spots["name"].tolist() == ["../../evil", "/tmp/evil2"]


@pytest.mark.napari
@pytest.mark.parametrize("name", sorted(BAD_XML))
def test_napari_reader_on_bad_xml(name, tmp_path):
    """The napari reader either declines the file (None: not a TrackMate file) or its reader
    raises one InputError line; it never returns layers of a bad file nor fails otherwise."""
    pytest.importorskip("napari")
    from volltrack._errors import InputError
    from volltrack.napari._reader import napari_get_reader

    path = tmp_path / "tracks.xml"
    path.write_bytes(BAD_XML[name][0])
    reader = napari_get_reader(str(path))
    if reader is None:
        return
    with pytest.raises(InputError) as info:
        reader(str(path))
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    for part in BAD_XML[name][1]:
        assert part in message
