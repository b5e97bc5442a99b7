"""Bad and adversarial input files for every ``volltrack`` entry point, generated (no binaries).

Each :class:`Case` names a stage, the input files it writes (bytes, or a function that writes the
file), the command line (``{in}`` = the input folder, ``{out}`` = an output folder that holds
nothing else) and what the one-line error must say. ``python tests/bad_inputs/corpus.py DIR``
writes every case's files under ``DIR/<case id>/`` for use outside the tests.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["CASES", "Case", "trackmate_lines", "trackmate_xml", "write_case"]

Content = bytes | Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input and what ``volltrack`` must answer."""

    id: str
    stage: str
    argv: tuple[str, ...]
    files: dict[str, Content]
    expect: tuple[str, ...]  # substrings of the one error line (file, place, what was expected)
    output: str = "out/result"  # the output the command would write, relative to {out}
    output_is_dir: bool = False
    jvm: bool = False
    dl: bool = False  # needs the deep-learning stack (segment, train)
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------- valid pieces

SPOTS = (
    '<Spot ID="0" name="a" FRAME="0" POSITION_X="3" POSITION_Y="3" POSITION_Z="1" '
    'POSITION_T="0" RADIUS="1" QUALITY="1" VISIBILITY="1"/>'
    '<Spot ID="1" name="b" FRAME="1" POSITION_X="3.5" POSITION_Y="3" POSITION_Z="1" '
    'POSITION_T="1" RADIUS="1" QUALITY="1" VISIBILITY="1"/>'
)
EDGES = '<Edge SPOT_SOURCE_ID="0" SPOT_TARGET_ID="1"/>'
IMAGE = (
    '<Settings><ImageData filename="labels.tif" folder="" width="16" height="16" nslices="4" '
    'nframes="2" pixelwidth="1" pixelheight="1" voxeldepth="1" timeinterval="1"/></Settings>'
)
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def trackmate_xml(
    spots: str = SPOTS,
    edges: str = EDGES,
    track: str = 'name="Track_0" TRACK_ID="0"',
    filtered: str = '<FilteredTracks><TrackID TRACK_ID="0"/></FilteredTracks>',
    image: str = IMAGE,
    root: str = "TrackMate",
    head: str = DECLARATION,
) -> str:
    """A small valid TrackMate file (two spots, one link) with any part replaced."""
    return (
        f'{head}<{root} version="7.13.2">\n<Model spatialunits="micron" timeunits="sec">\n'
        f'<AllSpots nspots="2"><SpotsInFrame frame="0">\n{spots}\n</SpotsInFrame></AllSpots>\n'
        f"<AllTracks><Track {track}>\n{edges}\n</Track></AllTracks>\n{filtered}\n</Model>\n"
        f"{image}\n</{root}>\n"
    )


def _labels() -> np.ndarray:
    lab = np.zeros((2, 4, 16, 16), np.uint16)
    lab[:, 1:3, 2:6, 2:6] = 1
    lab[:, 1:3, 8:12, 8:12] = 2
    return lab


def _imagej(array: np.ndarray, spacing: float = 1.0, res: float = 1.0) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import tifffile

        tifffile.imwrite(
            path,
            array,
            imagej=True,
            resolution=(res, 1.0),
            metadata={"axes": "TZYX"[-array.ndim :], "spacing": spacing, "unit": "micron"},
        )

    return write


def _plain(array: np.ndarray) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import tifffile

        tifffile.imwrite(path, array, photometric="minisblack")

    return write


def _truncated(write: Callable[[Path], None], keep: float) -> Callable[[Path], None]:
    def trunc(path: Path) -> None:
        write(path)
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])

    return trunc


VALID_LABELS = _imagej(_labels())


def _gt_mask(t: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import tifffile

        tifffile.imwrite(path, _labels()[t])

    return write


#: a valid CTC ground truth of the two cells of :data:`VALID_LABELS` (GT/TRA)
GT: dict[str, Content] = {
    "GT/TRA/man_track.txt": b"1 0 1 0\n2 0 1 0\n",
    "GT/TRA/man_track000.tif": _gt_mask(0),
    "GT/TRA/man_track001.tif": _gt_mask(1),
}
VALID_XML = trackmate_xml().encode()
_XXE = '<!DOCTYPE TrackMate [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
_LOL = "".join(
    [
        '<!DOCTYPE TrackMate [<!ENTITY l0 "lol">',
        *(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)),
        "]>\n",
    ]
)


def _raw_movie() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 1000, size=(2, 8, 32, 32)).astype(np.uint16)


VALID_RAW = _imagej(_raw_movie())


def _bundle(change: Callable[[Path], None]) -> Callable[[Path], None]:
    """A copy of the shipped model bundle with one thing changed."""

    def write(path: Path) -> None:
        import shutil

        from volltrack.segmentation import shipped_models_path

        shutil.copytree(shipped_models_path(), path)
        change(path)

    return write


def _edit_json(member: str, **changes) -> Callable[[Path], None]:
    def change(bundle: Path) -> None:
        import json

        path = bundle / member
        data = json.loads(path.read_text())
        data.update(changes)
        path.write_text(json.dumps(data))

    return change


def _pickle_as_weights(bundle: Path) -> None:
    import pickle

    (bundle / "stardist/weights_best.h5").write_bytes(pickle.dumps({"not": "weights"}))


#: bad model bundles for ``volltrack segment --models``: id -> (folder, expected substrings)
BAD_BUNDLES: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "missing_weights": (
        _bundle(lambda b: (b / "stardist/weights_best.h5").unlink()),
        ("stardist", "weights_best.h5", "missing weights"),
    ),
    "weights_not_hdf5": (
        _bundle(lambda b: (b / "unet/weights_best.h5").write_bytes(b"not hdf5")),
        ("unet", "weights_best.h5", "not an HDF5"),
    ),
    "pickle_as_weights": (_bundle(_pickle_as_weights), ("weights_best.h5", "not an HDF5")),
    "lambda_layer_in_config": (
        _bundle(_edit_json("unet/config.json", lambda_layer="lambda x: __import__('os')")),
        ("unet", "config.json", "unknown key"),
    ),
    "wrong_config_value": (
        _bundle(_edit_json("unet/config.json", axes="YXC")),
        ("config.json", "'axes'", "ZYXC"),
    ),
    "manifest_not_json": (
        _bundle(lambda b: (b / "volltrack-models.json").write_text("{")),
        ("volltrack-models.json", "not valid JSON"),
    ),
    "no_manifest": (
        _bundle(lambda b: (b / "volltrack-models.json").unlink()),
        ("volltrack-models.json", "missing"),
    ),
    "thresholds_out_of_range": (
        _bundle(_edit_json("stardist/thresholds.json", prob=7)),
        ("thresholds.json", "'prob'", "(0, 1)"),
    ),
}


def _xml(**parts: str) -> bytes:
    return trackmate_xml(**parts).encode()


def _spot(old: str, new: str) -> bytes:
    assert old in SPOTS
    return trackmate_xml(spots=SPOTS.replace(old, new, 1)).encode()


#: bad TrackMate XML: id -> (bytes, expected substrings besides the file name)
BAD_XML: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "truncated": (VALID_XML[:250], ("not well-formed",)),
    "truncated_in_spots": (
        VALID_XML[: VALID_XML.index(b"<AllTracks")],
        ("inside <Model>", "well-formed"),
    ),
    "wrong_root": (_xml(root="TrackMateX"), (":2:", "root element is <TrackMateX>", "expected")),
    "no_model": (
        (DECLARATION + '<TrackMate version="7"><Settings/></TrackMate>').encode(),
        ("has no <Model>", "expected"),
    ),
    "empty": (b"", ("not well-formed",)),
    "binary": (bytes(range(256)), ("not well-formed",)),
    "inf_position": (_spot('POSITION_X="3"', 'POSITION_X="inf"'), (":5:", "POSITION_X", "finite")),
    "nan_position": (_spot('POSITION_Y="3"', 'POSITION_Y="NaN"'), (":5:", "POSITION_Y", "finite")),
    "no_position": (_spot('POSITION_Z="1" ', ""), (":5:", "POSITION_Z", "finite")),
    "text_position": (_spot('POSITION_X="3"', 'POSITION_X="3,5"'), (":5:", "POSITION_X", "number")),
    "nan_frame": (_spot('FRAME="1"', 'FRAME="nan"'), (":5:", "FRAME", "integer")),
    "negative_frame": (_spot('FRAME="1"', 'FRAME="-1"'), (":5:", "FRAME", "integer in 0..")),
    "huge_frame": (_spot('FRAME="1"', 'FRAME="1e18"'), (":5:", "FRAME", "integer in 0..")),
    "fractional_id": (_spot('ID="1"', 'ID="1.5"'), (":5:", "ID", "integer")),
    "duplicated_spot_id": (_spot('ID="1"', 'ID="0"'), (":5:", "ID=0", "unique")),
    "duplicated_track_id": (
        trackmate_xml(edges=EDGES + '</Track><Track name="T" TRACK_ID="0">').encode(),
        ("TRACK_ID=0", "unique"),
    ),
    "missing_track_id": (_xml(track='name="T"'), ("<Track>", "TRACK_ID", "integer")),
    "edge_to_unknown_spot": (
        _xml(edges='<Edge SPOT_SOURCE_ID="0" SPOT_TARGET_ID="7"/>'),
        (":8:", "SPOT_TARGET_ID=7", "<AllSpots>"),
    ),
    "edge_without_source": (
        _xml(edges='<Edge SPOT_TARGET_ID="1"/>'),
        (":8:", "SPOT_SOURCE_ID", "integer"),
    ),
    "edge_within_a_frame": (
        trackmate_xml(
            spots=SPOTS.replace('FRAME="1"', 'FRAME="0"'),
        ).encode(),
        ("edge 0–1", "frame 0", "expected"),
    ),
    "duplicated_edge": (_xml(edges=EDGES * 2), ("0–1", "twice")),
    "negative_pixel_width": (
        _xml(image=IMAGE.replace('pixelwidth="1"', 'pixelwidth="-1"')),
        ("<ImageData>", "pixelwidth", "> 0"),
    ),
    "doctype": (
        (
            DECLARATION + '<!DOCTYPE TrackMate [<!ENTITY a "1">]>\n' + trackmate_xml(head="")
        ).encode(),
        ("DOCTYPE",),
    ),
    "xxe": (
        (DECLARATION + _XXE + trackmate_xml(head="").replace('name="a"', 'name="&x;"')).encode(),
        ("DOCTYPE",),
    ),
    "xxe_after_long_comment": (
        (
            DECLARATION
            + "<!--"
            + "x" * 100_000
            + "-->\n"
            + _XXE
            + trackmate_xml(head="").replace('name="a"', 'name="&x;"')
        ).encode(),
        ("DOCTYPE",),
    ),
    "xxe_after_many_comments": (
        (DECLARATION + "<!-- c -->\n  \t" * 2000 + _XXE + trackmate_xml(head="")).encode(),
        ("DOCTYPE",),
    ),
    "xxe_utf16": (
        ('<?xml version="1.0" encoding="UTF-16"?>\n' + _XXE + trackmate_xml(head="")).encode(
            "utf-16"
        ),
        ("DOCTYPE",),
    ),
    "xxe_utf16_without_bom": (
        ('<?xml version="1.0" encoding="UTF-16"?>\n' + _XXE + trackmate_xml(head="")).encode(
            "utf-16-le"
        ),
        ("DOCTYPE",),
    ),
    "doctype_lower_case_whitespace": (
        ("\n \r\n" + "<!doctype TrackMate>\n" + trackmate_xml(head="")).encode(),
        ("DOCTYPE",),
    ),
    "parameter_entity": (
        (
            DECLARATION
            + '<!DOCTYPE TrackMate [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>\n'
            + trackmate_xml(head="")
        ).encode(),
        ("DOCTYPE",),
    ),
    "billion_laughs": (
        (DECLARATION + _LOL + trackmate_xml(head="").replace('name="a"', 'name="&l9;"')).encode(),
        ("DOCTYPE",),
    ),
    "ebcdic_encoding": (
        b'<?xml version="1.0" encoding="IBM037"?>\n' + trackmate_xml(head="").encode("cp037"),
        ("encoding 'IBM037'", "expected UTF-8"),
    ),
    "undefined_entity": (_xml(spots=SPOTS.replace('name="a"', 'name="&x;"')), ("well-formed",)),
}

# ---------------------------------------------------------------------------- cells.csv

_H = "id,frame,x,y,z,volume\n"
BAD_CSV: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "wrong_columns": (b"a,b,c\n1,2,3\n", ("row 1", "column 'frame'", "expected")),
    "non_numeric": ((_H + "0,0,abc,1,1,5\n").encode(), ("row 2", "column 'x'", "finite number")),
    "inf": ((_H + "0,0,inf,1,1,5\n").encode(), ("row 2", "column 'x'", "finite number")),
    "nan": ((_H + "0,0,1,nan,1,5\n").encode(), ("row 2", "column 'y'", "finite number")),
    "duplicated_id": (
        (_H + "0,0,1,1,1,5\n0,1,1,1,1,5\n").encode(),
        ("row 3", "column 'id'", "duplicate id 0"),
    ),
    "empty": (b"", ("empty", "expected a header")),
    "header_only": (_H.encode(), ("no cell rows", "expected")),
    "short_row": ((_H + "0,0,1,1\n").encode(), ("row 2", "4 fields", "expected 6")),
    "negative_frame": (
        (_H + "0,-1,1,1,1,5\n").encode(),
        ("row 2", "'frame'", "expected an integer frame"),
    ),
    "huge_id": ((_H + "99999999999999999999,0,1,1,1,5\n").encode(), ("row 2", "'id'", "integer")),
    "unclosed_quote": ((_H + '"0,0,1,1,1,5\n').encode(), ("row 1", "malformed CSV")),
    "binary": (bytes(range(1, 256)), ("row 1", "not valid UTF-8")),
    "huge_value": (
        (_H + "0,0," + "1" * 1_000_000 + ",1,1,5\n").encode(),
        ("row 2", "column 'x'", "characters]"),
    ),
    "bom_and_bad_row": (("\ufeff" + _H + "0,0,1,1,x,5\n").encode(), ("row 2", "'z'")),
}

# ---------------------------------------------------------------------------- TIFF (labels)

_lab = _labels()
BAD_LABELS: dict[str, tuple[Content, tuple[str, ...], tuple[str, ...]]] = {
    # id -> (file, extra arguments, expected substrings)
    "float_labels": (_imagej(_lab.astype(np.float32)), (), ("dtype float32", "integer")),
    "bool_labels": (_plain(_lab > 0), ("--voxel-size", "1", "1", "1"), ("dtype bool", "integer")),
    "complex_labels": (
        _plain(_lab.astype(np.complex64)),
        ("--voxel-size", "1", "1", "1"),
        ("complex64", "integer"),
    ),
    "labels_2d": (_plain(_lab[0, 0]), ("--voxel-size", "1", "1", "1"), ("axes YX", "Z, Y and X")),
    "labels_6d": (_plain(_lab[None, None]), ("--voxel-size", "1", "1", "1"), ("shape", "ZYX")),
    "no_calibration": (_plain(_lab), (), ("no voxel size calibration", "explicitly")),
    "negative_spacing": (_imagej(_lab, spacing=-2.0), (), ("voxel_size", "> 0")),
    "absurd_calibration": (_imagej(_lab, spacing=1e300, res=1e-9), (), ("voxel volume",)),
    "negative_labels": (
        _imagej(_lab.astype(np.int16) - 1),
        ("--voxel-size", "1", "1", "1"),
        ("negative label -1", "t=0", "expected labels >= 0"),
    ),
    "truncated_stack": (_truncated(VALID_LABELS, 0.5), (), ("truncated", "8 images")),
    "truncated_header": (_truncated(VALID_LABELS, 0.01), (), ("not a readable TIFF",)),
    "not_a_tiff": (b"hello, I am not a TIFF\n", (), ("not a readable TIFF",)),
    "empty_file": (b"", (), ("not a readable TIFF",)),
}


def _cases() -> list[Case]:
    cases: list[Case] = []
    for name, (content, extra, expect) in BAD_LABELS.items():
        cases.append(
            Case(
                f"measure-{name}",
                "measure",
                ("measure", "{in}/labels.tif", *extra, "--out", "{out}/cells.csv", "--quiet"),
                {"labels.tif": content},
                ("labels.tif", *expect),
                output="cells.csv",
            )
        )
    cases += [
        Case(
            "measure-raw_shape",
            "measure",
            (
                "measure",
                "{in}/labels.tif",
                "--raw",
                "{in}/raw.tif",
                "--out",
                "{out}/cells.csv",
                "--quiet",
            ),
            {"labels.tif": VALID_LABELS, "raw.tif": _imagej(_lab[:, :2])},
            ("labels.tif", "raw shape (2, 2, 16, 16)", "does not match", "expected"),
            output="cells.csv",
        ),
        Case(
            "measure-raw_not_tiff",
            "measure",
            (
                "measure",
                "{in}/labels.tif",
                "--raw",
                "{in}/raw.tif",
                "--out",
                "{out}/cells.csv",
                "--quiet",
            ),
            {"labels.tif": VALID_LABELS, "raw.tif": b"II*\x00garbage"},
            ("raw.tif", "not a readable TIFF"),
            output="cells.csv",
        ),
        Case(
            "measure-mask_complex",
            "measure",
            (
                "measure",
                "{in}/labels.tif",
                "--mask",
                "{in}/mask.tif",
                "--out",
                "{out}/cells.csv",
                "--quiet",
            ),
            {"labels.tif": VALID_LABELS, "mask.tif": _plain(_lab[0].astype(np.complex64))},
            ("labels.tif", "mask", "complex64"),
            output="cells.csv",
        ),
        Case(
            "measure-voxel_size_nan",
            "measure",
            (
                "measure",
                "{in}/labels.tif",
                "--voxel-size",
                "nan",
                "1",
                "1",
                "--out",
                "{out}/cells.csv",
                "--quiet",
            ),
            {"labels.tif": VALID_LABELS},
            ("labels.tif", "voxel_size", "finite values > 0"),
            output="cells.csv",
        ),
    ]
    for name, (content, expect) in BAD_CSV.items():
        cases.append(
            Case(
                f"track-csv-{name}",
                "track",
                ("track", "{in}/cells.csv", "--out", "{out}/tracks.xml", "--quiet"),
                {"cells.csv": content},
                ("cells.csv", *expect),
                output="tracks.xml",
                jvm=True,
            )
        )
    for name in ("truncated", "wrong_root", "xxe", "xxe_after_long_comment", "billion_laughs"):
        content, _expect = BAD_XML[name]
        cases.append(
            Case(
                f"track-xml-{name}",
                "track",
                ("track", "--xml", "{in}/tracks.xml", "--out", "{out}/retracked.xml", "--quiet"),
                {"tracks.xml": content},
                ("tracks.xml", "line "),
                output="retracked.xml",
                jvm=True,
            )
        )
    cases.append(
        Case(
            "track-labels-truncated",
            "track",
            ("track", "--labels", "{in}/labels.tif", "--out", "{out}/tracks.xml", "--quiet"),
            {"labels.tif": _truncated(VALID_LABELS, 0.5)},
            ("labels.tif", "truncated", "8 images"),
            output="tracks.xml",
            jvm=True,
        )
    )
    cases.append(
        Case(
            "track-labels-not_a_tiff",
            "track",
            ("track", "--labels", "{in}/labels.tif", "--out", "{out}/tracks.xml", "--quiet"),
            {"labels.tif": b"hello"},
            ("labels.tif", "not a readable TIFF", "expected a TIFF"),
            output="tracks.xml",
            jvm=True,
        )
    )
    for name, (content, expect) in BAD_BUNDLES.items():
        cases.append(
            Case(
                f"segment-bundle-{name}",
                "segment",
                (
                    "segment",
                    "{in}/raw.tif",
                    "--models",
                    "{in}/models",
                    "--out",
                    "{out}/seg",
                    "--quiet",
                ),
                {"raw.tif": VALID_RAW, "models": content},
                expect,
                output="seg",
                output_is_dir=True,
                dl=True,
            )
        )
    for name, (content, extra, expect) in {
        "raw_not_tiff": (b"nope", (), ("raw.tif", "not a readable TIFF")),
        "raw_truncated": (_truncated(VALID_RAW, 0.5), (), ("raw.tif", "truncated")),
        "raw_complex": (
            _plain(_raw_movie().astype(np.complex64)),
            (),
            ("raw.tif", "complex64", "expected real-valued"),
        ),
        "raw_2d": (_plain(_raw_movie()[0, 0]), (), ("raw.tif", "expected a ZYX or TZYX")),
        "config_broken_toml": (
            VALID_RAW,
            ("--config", "{in}/segment.toml"),
            ("segment.toml", "cannot parse", "line 2"),
        ),
        "config_unknown_key": (
            VALID_RAW,
            ("--config", "{in}/segment.json"),
            ("segment.json", "bogus", "not permitted"),
        ),
        "prob_thresh_nan": (VALID_RAW, ("--prob-thresh", "nan"), ("prob_thresh",)),
    }.items():
        cases.append(
            Case(
                f"segment-{name}",
                "segment",
                ("segment", "{in}/raw.tif", *extra, "--out", "{out}/seg", "--quiet"),
                {
                    "raw.tif": content,
                    "segment.toml": b"[segment]\nprob_thresh = = 0.5\n",
                    "segment.json": b'{"prob_thresh": 0.5, "bogus": 1}',
                },
                expect,
                output="seg",
                output_is_dir=True,
                dl=True,
            )
        )
    cases += [
        Case(
            "train-raw_not_tiff",
            "train",
            (
                "train",
                "--raw",
                "{in}/raw",
                "--labels",
                "{in}/labels",
                "--voxel-size",
                "1",
                "1",
                "1",
                "--out",
                "{out}/bundle",
                "--quiet",
            ),
            {"raw/a.tif": b"junk", "labels/a.tif": _plain(_lab[0])},
            ("a.tif", "not a readable TIFF"),
            output="bundle",
            output_is_dir=True,
            dl=True,
        ),
        Case(
            "train-unpaired",
            "train",
            (
                "train",
                "--raw",
                "{in}/raw",
                "--labels",
                "{in}/labels",
                "--voxel-size",
                "1",
                "1",
                "1",
                "--out",
                "{out}/bundle",
                "--quiet",
            ),
            {
                "raw/a.tif": _plain(_lab[0]),
                "labels/b.tif": _plain(_lab[0]),
                "labels/c.tif": _plain(_lab[0]),
            },
            ("labels",),
            output="bundle",
            output_is_dir=True,
            dl=True,
        ),
        Case(
            "train-float_labels",
            "train",
            (
                "train",
                "--raw",
                "{in}/raw",
                "--labels",
                "{in}/labels",
                "--voxel-size",
                "1",
                "1",
                "1",
                "--out",
                "{out}/bundle",
                "--quiet",
            ),
            {
                "raw/a.tif": _plain(_raw_movie()[0]),
                "labels/a.tif": _plain(_lab[0].astype(np.float32) + 0.5),
            },
            ("a.tif", "float32"),
            output="bundle",
            output_is_dir=True,
            dl=True,
        ),
        Case(
            "evaluate-segmentation-gt_not_tiff",
            "evaluate",
            (
                "evaluate",
                "segmentation",
                "{in}/gt.tif",
                "{in}/pred.tif",
                "--out",
                "{out}/scores",
                "--quiet",
            ),
            {"gt.tif": b"nope", "pred.tif": VALID_LABELS},
            ("gt.tif", "not a readable TIFF"),
            output="scores",
            output_is_dir=True,
        ),
        Case(
            "evaluate-segmentation-float_pred",
            "evaluate",
            (
                "evaluate",
                "segmentation",
                "{in}/gt.tif",
                "{in}/pred.tif",
                "--out",
                "{out}/scores",
                "--quiet",
            ),
            {"gt.tif": VALID_LABELS, "pred.tif": _imagej(_lab.astype(np.float32))},
            ("pred.tif", "float32"),
            output="scores",
            output_is_dir=True,
        ),
        Case(
            "evaluate-segmentation-shape_mismatch",
            "evaluate",
            (
                "evaluate",
                "segmentation",
                "{in}/gt.tif",
                "{in}/pred.tif",
                "--out",
                "{out}/scores",
                "--quiet",
            ),
            {"gt.tif": VALID_LABELS, "pred.tif": _imagej(_lab[:, :2])},
            ("shape",),
            output="scores",
            output_is_dir=True,
        ),
    ]
    out = '[output]\ndir = "../out/run"\n'
    raw = '[input]\nraw = "raw.tif"\n'
    for name, (toml, files, expect) in {
        "broken_toml": (b'[input]\nraw = "raw.tif\n', {}, ("not valid TOML", "line 2")),
        "not_utf8": (b"[input]\nraw = '\xff\xfe'\n", {}, ("not UTF-8",)),
        "unknown_key": ((raw + "bogus = 1\n" + out).encode(), {}, ("input.bogus",)),
        "wrong_type": (
            (raw + out + '[track.tracker]\nMAX_FRAME_GAP = "two"\n').encode(),
            {},
            ("MAX_FRAME_GAP",),
        ),
        "no_input": (out.encode(), {}, ("input: missing", "required")),
        "negative_voxel_size": (
            (raw + "voxel_size = [-1.0, 1.0, 1.0]\n" + out).encode(),
            {},
            ("voxel_size", "> 0"),
        ),
        "raw_not_tiff": ((raw + out).encode(), {"raw.tif": b"nope"}, ("raw.tif", "TIFF")),
        "raw_not_tiff_calibrated": (
            (raw + "voxel_size = [1.0, 1.0, 1.0]\n" + out).encode(),
            {"raw.tif": b"nope"},
            ("raw.tif", "TIFF"),
        ),
        "mask_truncated": (
            (raw + 'mask = "mask.tif"\n' + out).encode(),
            {"mask.tif": _truncated(VALID_LABELS, 0.5)},
            ("mask.tif", "truncated"),
        ),
        "raw_truncated": (
            (raw + out).encode(),
            {"raw.tif": _truncated(VALID_RAW, 0.5)},
            ("raw.tif", "truncated"),
        ),
        "labels_float": (
            ('[input]\nlabels = "labels.tif"\n' + out).encode(),
            {"labels.tif": _imagej(_lab.astype(np.float32))},
            ("labels.tif", "float32"),
        ),
    }.items():
        cases.append(
            Case(
                f"run-{name}",
                "run",
                ("run", "{in}/volltrack.toml", "--quiet"),
                {"volltrack.toml": toml, "raw.tif": VALID_RAW, **files},
                expect if expect[0].endswith(".tif") else ("volltrack.toml", *expect),
                output="run",
                output_is_dir=True,
            )
        )
    for name, (content, expect) in BAD_XML.items():
        files = {"tracks.xml": content, "labels.tif": VALID_LABELS}
        expect = ("tracks.xml", *expect)
        cases += [
            Case(
                f"analyze-{name}",
                "analyze",
                ("analyze", "{in}/tracks.xml", "--out", "{out}/analysis", "--quiet"),
                files,
                expect,
                output="analysis",
                output_is_dir=True,
            ),
            Case(
                f"export-geff-{name}",
                "export",
                ("export", "geff", "{in}/tracks.xml", "--out", "{out}/tracks.geff", "--quiet"),
                files,
                expect,
                output="tracks.geff",
                output_is_dir=True,
            ),
            Case(
                f"export-ctc-{name}",
                "export",
                (
                    "export",
                    "ctc",
                    "{in}/tracks.xml",
                    "--labels",
                    "{in}/labels.tif",
                    "--out",
                    "{out}/01_RES",
                    "--quiet",
                ),
                files,
                expect,
                output="01_RES",
                output_is_dir=True,
            ),
        ]
    cases += [
        Case(
            "analyze-mask_not_tiff",
            "analyze",
            ("analyze", "{in}/tracks.xml", "--mask", "{in}/mask.tif", "--out", "{out}/analysis"),
            {"tracks.xml": VALID_XML, "mask.tif": b"not a tiff"},
            ("mask.tif", "not a readable TIFF"),
            output="analysis",
            output_is_dir=True,
        ),
        Case(
            "analyze-mask_2d",
            "analyze",
            ("analyze", "{in}/tracks.xml", "--mask", "{in}/mask.tif", "--out", "{out}/analysis"),
            {"tracks.xml": VALID_XML, "mask.tif": _plain(np.ones((16, 16), np.uint8))},
            ("mask.tif", "expected"),
            output="analysis",
            output_is_dir=True,
        ),
        Case(
            "analyze-raw_truncated",
            "analyze",
            ("analyze", "{in}/tracks.xml", "--raw", "{in}/raw.tif", "--out", "{out}/analysis"),
            {"tracks.xml": VALID_XML, "raw.tif": _truncated(VALID_LABELS, 0.5)},
            ("raw.tif", "truncated"),
            output="analysis",
            output_is_dir=True,
        ),
        Case(
            "export-ctc-labels_float",
            "export",
            (
                "export",
                "ctc",
                "{in}/tracks.xml",
                "--labels",
                "{in}/labels.tif",
                "--out",
                "{out}/01_RES",
            ),
            {"tracks.xml": VALID_XML, "labels.tif": _imagej(_lab.astype(np.float32))},
            ("labels.tif", "float32", "expected an integer"),
            output="01_RES",
            output_is_dir=True,
        ),
        Case(
            "export-ctc-labels_truncated",
            "export",
            (
                "export",
                "ctc",
                "{in}/tracks.xml",
                "--labels",
                "{in}/labels.tif",
                "--out",
                "{out}/01_RES",
            ),
            {"tracks.xml": VALID_XML, "labels.tif": _truncated(VALID_LABELS, 0.5)},
            ("labels.tif", "truncated"),
            output="01_RES",
            output_is_dir=True,
        ),
        Case(
            "evaluate-xml_doctype",
            "evaluate",
            (
                "evaluate",
                "tracking",
                "{in}/GT",
                "{in}/tracks.xml",
                "--labels",
                "{in}/labels.tif",
                "--out",
                "{out}/scores.csv",
                "--quiet",
            ),
            {"tracks.xml": BAD_XML["xxe"][0], "labels.tif": VALID_LABELS, **GT},
            ("tracks.xml", "DOCTYPE"),
            output="scores.csv",
        ),
        Case(
            "evaluate-no_ground_truth",
            "evaluate",
            (
                "evaluate",
                "tracking",
                "{in}/GT",
                "{in}/tracks.xml",
                "--labels",
                "{in}/labels.tif",
                "--out",
                "{out}/scores.csv",
                "--quiet",
            ),
            {"tracks.xml": VALID_XML, "labels.tif": VALID_LABELS},
            ("GT",),
            output="scores.csv",
        ),
        Case(
            "evaluate-labels_not_tiff",
            "evaluate",
            (
                "evaluate",
                "tracking",
                "{in}/GT",
                "{in}/tracks.xml",
                "--labels",
                "{in}/labels.tif",
                "--out",
                "{out}/scores.csv",
                "--quiet",
            ),
            {"tracks.xml": VALID_XML, "labels.tif": b"nope", **GT},
            ("labels.tif", "not a readable TIFF"),
            output="scores.csv",
        ),
        Case(
            "evaluate-no_result",
            "evaluate",
            ("evaluate", "tracking", "{in}/GT", "{in}/missing.xml", "--out", "{out}/scores.csv"),
            {"labels.tif": VALID_LABELS, **GT},
            ("missing.xml", "no such file"),
            output="scores.csv",
        ),
        Case(
            "synth-config_not_json",
            "synth",
            ("synth", "{out}/movie", "--config", "{in}/settings.json", "--quiet"),
            {"settings.json": b"{frames: 3"},
            ("settings.json", "cannot parse"),
            output="movie",
            output_is_dir=True,
        ),
        Case(
            "synth-config_toml_broken",
            "synth",
            ("synth", "{out}/movie", "--config", "{in}/settings.toml", "--quiet"),
            {"settings.toml": b"[synthetic]\nn_frames = = 3\n"},
            ("settings.toml", "cannot parse", "line 2"),
            output="movie",
            output_is_dir=True,
        ),
        Case(
            "synth-config_unknown_key",
            "synth",
            ("synth", "{out}/movie", "--config", "{in}/settings.json", "--quiet"),
            {"settings.json": b'{"n_frames": 3, "bogus": 1}'},
            ("bogus",),
            output="movie",
            output_is_dir=True,
        ),
        Case(
            "synth-config_negative",
            "synth",
            ("synth", "{out}/movie", "--config", "{in}/settings.json", "--quiet"),
            {"settings.json": b'{"n_frames": -3}'},
            ("n_frames", "greater"),
            output="movie",
            output_is_dir=True,
        ),
        Case(
            "synth-config_list",
            "synth",
            ("synth", "{out}/movie", "--config", "{in}/settings.json", "--quiet"),
            {"settings.json": b"[1, 2]"},
            ("settings.json", "expected a table"),
            output="movie",
            output_is_dir=True,
        ),
    ]
    return cases


CASES: list[Case] = _cases()


def write_case(case: Case, folder: Path) -> None:
    """Write the input files of ``case`` into ``folder`` (which must exist)."""
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            content(path)


if __name__ == "__main__":  # pragma: no cover
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs")
    for case in CASES:
        folder = root / case.id
        folder.mkdir(parents=True, exist_ok=True)
        write_case(case, folder)
    print(f"wrote {len(CASES)} cases under {root}")


def trackmate_lines(
    spots, tracks: dict[int, list[tuple[int, int]]], filtered=None, *, image: str = IMAGE
):
    """A TrackMate file as lines, written as it goes (any number of spots in bounded memory).

    Parameters
    ----------
    spots : iterable of (id, frame, x, y, z, t)
        In frame order.
    tracks : dict of track id -> list of (source, target) spot ids
    filtered : iterable of int, optional
        The ``FilteredTracks``; None writes no such element.
    """
    yield DECLARATION
    yield '<TrackMate version="7.13.2">\n<Model spatialunits="micron" timeunits="sec">\n'
    yield "<AllSpots>\n"
    current = None
    for sid, frame, x, y, z, t in spots:
        if frame != current:
            if current is not None:
                yield "</SpotsInFrame>\n"
            yield f'<SpotsInFrame frame="{frame}">\n'
            current = frame
        yield (
            f'<Spot ID="{sid}" name="ID{sid}" FRAME="{frame}" POSITION_X="{x!r}" '
            f'POSITION_Y="{y!r}" POSITION_Z="{z!r}" POSITION_T="{t!r}" RADIUS="1.0" '
            'QUALITY="1.0" VISIBILITY="1"/>\n'
        )
    if current is not None:
        yield "</SpotsInFrame>\n"
    yield "</AllSpots>\n<AllTracks>\n"
    for track_id, edges in tracks.items():
        yield f'<Track name="Track_{track_id}" TRACK_ID="{track_id}">\n'
        for source, target in edges:
            yield f'<Edge SPOT_SOURCE_ID="{source}" SPOT_TARGET_ID="{target}" LINK_COST="1.0"/>\n'
        yield "</Track>\n"
    yield "</AllTracks>\n"
    if filtered is not None:
        yield "<FilteredTracks>\n"
        for track_id in filtered:
            yield f'<TrackID TRACK_ID="{track_id}"/>\n'
        yield "</FilteredTracks>\n"
    yield f"</Model>\n{image}\n</TrackMate>\n"
