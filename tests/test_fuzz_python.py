"""Property and fuzz tests of the Python readers and analyses (hypothesis).

CI runs a short deterministic subset (``derandomize=True``, few examples);
``benchmarks/fuzz_python.py --minutes N`` runs the same properties with random seeds for minutes.
Every property takes no pytest fixture so that the benchmark can call it directly.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bad_inputs.corpus import trackmate_lines
from volltrack._errors import InputError

#: few deterministic examples in CI; benchmarks/fuzz_python.py sets VOLLTRACK_FUZZ_EXAMPLES
#: (random seeds, many examples) before importing this module
_EXAMPLES = os.environ.get("VOLLTRACK_FUZZ_EXAMPLES")
CI = settings(
    max_examples=int(_EXAMPLES) if _EXAMPLES else 25,
    derandomize=not _EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: the properties benchmarks/fuzz_python.py runs
PROPERTIES = [
    "test_trackmate_round_trip",
    "test_damaged_trackmate_bytes_raise_only_input_error",
    "test_measure_matches_a_slow_reference",
    "test_lineage_of_random_graphs",
    "test_damaged_pipeline_files_raise_only_input_error",
]

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def trackmate_models(draw):
    """Spots (unique ids, frames, positions) and tracks of edges from earlier to later frames."""
    n = draw(st.integers(0, 25))
    ids = draw(st.lists(st.integers(0, 2**40), min_size=n, max_size=n, unique=True))
    frames = sorted(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)))
    spots = [
        (sid, f, draw(finite), draw(finite), draw(finite), float(f) * 2.5)
        for sid, f in zip(ids, frames, strict=True)
    ]
    pairs = [(a, b) for a in range(n) for b in range(n) if frames[a] < frames[b]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=20)) if pairs else []
    tracks: dict[int, list[tuple[int, int]]] = {}
    for a, b in chosen:
        track_id = draw(st.integers(0, 3))
        tracks.setdefault(track_id, []).append((ids[a], ids[b]))
    filtered = draw(st.one_of(st.none(), st.lists(st.sampled_from(sorted(tracks) or [0]))))
    return spots, tracks, filtered


def _write(path: Path, model) -> None:
    spots, tracks, filtered = model
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(trackmate_lines(spots, tracks, filtered))


@CI
@given(trackmate_models())
def test_trackmate_round_trip(model):
    """A generated valid file reads back as the model that wrote it (every track kept)."""
    from volltrack.io import read_trackmate

    spots, tracks, filtered = model
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xml"
        _write(path, model)
        data = read_trackmate(path, all_tracks=True)
    got = data.spots[["id", "frame", "POSITION_X", "POSITION_Y", "POSITION_Z", "POSITION_T"]]
    want = pd.DataFrame(spots, columns=got.columns)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)
    assert data.spots["id"].dtype == np.int64
    edges = sorted(
        (int(s), int(t), int(k))
        for s, t, k in data.edges[["source", "target", "track_id"]].to_numpy()
    )
    assert edges == sorted((s, t, k) for k, e in tracks.items() for s, t in e)
    assert data.tracks["track_id"].tolist() == list(tracks)
    assert data.filtered_track_ids == (None if filtered is None else tuple(filtered))
    assert data.voxel_size == (1.0, 1.0, 1.0)


_INSERTS = [
    b"<!DOCTYPE TrackMate>", b'<!ENTITY x "y">', b"&x;", b"nan", b"inf", b"-1", b"1e400", b"<",
    b">", b'"', b"\x00", b"\xff\xfe", b"<!--", b"]]>", b"<Spot/>", b"<Edge/>", b"</Model>",
    b'ID="0"', b'FRAME="99999999999"', b"<?xml", b"\xef\xbb\xbf",
]  # fmt: skip


@CI
@given(trackmate_models(), st.data())
def test_damaged_trackmate_bytes_raise_only_input_error(model, data):
    """Truncated, flipped or spliced bytes: the reader answers or raises InputError, only."""
    from volltrack.io import read_trackmate

    spots, tracks, filtered = model
    text = bytearray("".join(trackmate_lines(spots, tracks, filtered)).encode())
    for _ in range(data.draw(st.integers(1, 4), label="n_mutations")):
        kind = data.draw(st.sampled_from(["truncate", "flip", "insert", "delete"]), label="kind")
        at = data.draw(st.integers(0, len(text)), label="at")
        if kind == "truncate":
            del text[at:]
        elif kind == "flip" and at < len(text):
            text[at] = data.draw(st.integers(0, 255), label="byte")
        elif kind == "insert":
            text[at:at] = data.draw(st.sampled_from(_INSERTS) | st.binary(max_size=8), label="ins")
        elif kind == "delete":
            del text[at : at + data.draw(st.integers(1, 40), label="length")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xml"
        path.write_bytes(bytes(text))
        for all_tracks in (False, True):
            try:
                read_trackmate(path, all_tracks=all_tracks)
            except InputError as exc:
                assert "\n" not in str(exc)
                assert str(path) in str(exc)


def test_found_by_fuzzing_a_nul_byte_is_a_one_line_error(tmp_path):
    """libxml2's message for a NUL byte holds a line break; the error stays one line."""
    from volltrack.io import read_trackmate

    path = tmp_path / "t.xml"
    path.write_bytes(b"<\x00TrackMate/>")
    try:
        read_trackmate(path)
    except InputError as exc:
        assert "\n" not in str(exc) and "not well-formed" in str(exc)
    else:
        raise AssertionError("a NUL byte was accepted")


def test_found_by_fuzzing_filtered_tracks_outside_the_model(tmp_path):
    """A <FilteredTracks> outside <Model> was an AttributeError; now one InputError line."""
    from bad_inputs.corpus import trackmate_xml
    from volltrack.io import read_trackmate

    path = tmp_path / "t.xml"
    xml = trackmate_xml(filtered="")
    path.write_text(xml.replace("</Model>", "</Model><FilteredTracks><TrackID TRACK_ID='0'/>"
                                "</FilteredTracks>"))  # fmt: skip
    with pytest.raises(InputError, match=r":\d+: <TrackID>: expected <FilteredTracks> inside"):
        read_trackmate(path)


def _slow_measure(lab: np.ndarray, vs) -> list[tuple]:
    rows = []
    for t in range(lab.shape[0]):
        for label in sorted(set(lab[t].ravel().tolist()) - {0}):
            zz, yy, xx = np.nonzero(lab[t] == label)
            rows.append(
                (t, label, xx.mean() * vs[2], yy.mean() * vs[1], zz.mean() * vs[0],
                 len(zz) * vs[0] * vs[1] * vs[2], (xx.max() - xx.min() + 1) * vs[2])
            )  # fmt: skip
    return rows


@CI
@given(
    st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5), st.integers(1, 5)),
    st.integers(0, 2**32 - 1),
    st.integers(1, 6),
    st.tuples(*[st.floats(0.1, 5.0)] * 3),
)
def test_measure_matches_a_slow_reference(shape, seed, n_labels, vs):
    """Random label volumes: ids 0..n-1, volumes sum to the foreground volume, rows equal a
    voxel-by-voxel reference."""
    from volltrack.measure import measure

    rng = np.random.default_rng(seed)
    lab = rng.integers(0, n_labels + 1, size=shape).astype(np.uint16)
    lab[rng.random(shape) < 0.3] = 0
    table = measure(lab, voxel_size=vs)
    assert table["id"].tolist() == list(range(len(table)))
    fg = np.count_nonzero(lab) * vs[0] * vs[1] * vs[2]
    assert math.isclose(table["volume"].sum(), fg, rel_tol=1e-9, abs_tol=1e-12)
    assert not table[["frame", "label"]].duplicated().any()
    ref = _slow_measure(lab, vs)
    got = table[["frame", "label", "x", "y", "z", "volume", "extent_x"]].to_numpy()
    assert len(got) == len(ref)
    if ref:
        np.testing.assert_allclose(got, np.array(ref, dtype=float), rtol=1e-9, atol=1e-9)


@st.composite
def random_graphs(draw):
    """Spots and edges with anything in them: divisions, merges, gaps, same-frame edges,
    duplicated or unknown ids."""
    n = draw(st.integers(0, 30))
    ids = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    frames = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    spots = pd.DataFrame(
        {
            "id": np.asarray(ids, np.int64),
            "frame": np.asarray(frames, np.int64),
            "POSITION_X": draw(st.lists(finite, min_size=n, max_size=n)),
            "POSITION_Y": draw(st.lists(finite, min_size=n, max_size=n)),
            "POSITION_Z": draw(st.lists(finite, min_size=n, max_size=n)),
        }
    )
    pool = ids or [0]
    edges = draw(
        st.lists(st.tuples(st.sampled_from([*pool, 99]), st.sampled_from(pool)), max_size=30)
    )
    edges = pd.DataFrame(edges, columns=["source", "target"], dtype=np.int64)
    return spots, edges


@CI
@given(random_graphs(), st.booleans())
@example(
    (
        pd.DataFrame({"id": [], "frame": [], "POSITION_X": [], "POSITION_Y": []}, dtype=np.int64),
        pd.DataFrame({"source": [0], "target": [0]}),
    ),
    False,
).via("found by fuzzing: an edge and no spots (was an IndexError)")
def test_lineage_of_random_graphs(graph, lonely):
    """Any graph: an InputError or a lineage whose tables agree with the graph; the analyses
    of a lineage never fail."""
    from volltrack.analysis import (
        build_lineage,
        msd,
        population_over_time,
        spot_motion,
        tracklet_motion,
    )

    spots, edges = graph
    try:
        lin = build_lineage(spots, edges, lonely_spots=lonely)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    used = set(edges["source"]) | set(edges["target"])
    expected = set(spots["id"]) if lonely else used
    assert set(lin.spots["spot_id"]) == expected
    assert not lin.spots["spot_id"].duplicated().any()
    assert int(lin.tracklets["n_spots"].sum()) == len(lin.spots)
    out_degree = edges.assign(
        src=np.where(
            spots.set_index("id").loc[edges["source"], "frame"].to_numpy()
            < spots.set_index("id").loc[edges["target"], "frame"].to_numpy(),
            edges["source"],
            edges["target"],
        )
    )["src"].value_counts()
    assert int(lin.tracks["n_divisions"].sum()) == int((out_degree >= 2).sum())
    motion = spot_motion(lin)
    assert len(motion) == len(lin.spots)
    tracklet_motion(lin, motion)
    per = msd(lin)
    assert (per["lag_frames"] >= 1).all() if len(per) else True
    population = population_over_time(lin)
    assert int(population["n_cells"].sum()) == len(lin.spots)


_TOML_INSERTS = [
    "[input]", "[output]", "[track.tracker]", "raw = ", "= =", "nan", "inf", "-1", "1e999",
    '"', "'''", "[[x]]", "\\u0000", "\x00", "\ufeff", "voxel_size = [", "]", "{", "bogus = 1",
    "MAX_FRAME_GAP = -5", "true", "dir = '/'", "..",
]  # fmt: skip


@CI
@given(st.data())
def test_damaged_pipeline_files_raise_only_input_error(data):
    """A damaged ``volltrack.toml`` (the documented template, mutated) loads or raises one
    ``InputError`` line; nothing else."""
    from volltrack.config import config_template, load_config

    text = config_template()
    for _ in range(data.draw(st.integers(1, 5), label="n_mutations")):
        at = data.draw(st.integers(0, len(text)), label="at")
        kind = data.draw(st.sampled_from(["insert", "delete", "text"]), label="kind")
        if kind == "insert":
            text = text[:at] + data.draw(st.sampled_from(_TOML_INSERTS), label="ins") + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 30), label="n") :]
        else:
            text = text[:at] + data.draw(st.text(max_size=6), label="txt") + text[at:]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "volltrack.toml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            load_config(path)
        except InputError as exc:
            assert "\n" not in str(exc)
            assert str(path) in str(exc)
