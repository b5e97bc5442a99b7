"""TrackingSettings against the Java settings it mirrors: defaults, JSON round trips, messages."""

from __future__ import annotations

import json
import math
import re
import subprocess

import pytest

from volltrack.tracking import (
    TRACKER_KEYS,
    FeatureFilter,
    TrackerSettings,
    TrackingError,
    TrackingSettings,
)

# --- pure Python ------------------------------------------------------------------------------


def test_unknown_keys_are_refused_at_every_level():
    with pytest.raises(TrackingError, match=r"settings: tracker\.LINKING_DISTANCE: unknown"):
        TrackingSettings.create({"tracker": {"LINKING_DISTANCE": 3}})
    with pytest.raises(TrackingError, match=r"settings: filters\.rois: unknown key"):
        TrackingSettings.create({"filters": {"rois": {}}})
    with pytest.raises(TrackingError, match=r"settings: min_tracklet: unknown key"):
        TrackingSettings.create({"min_tracklet": 3})


def test_only_the_tracker_keys_that_were_set_are_written():
    s = TrackingSettings.create({"input": {"cells_csv": "c.csv"}}).updated(
        linking_max_distance="10", ALLOW_TRACK_SPLITTING=True
    )
    assert s.tracker.LINKING_MAX_DISTANCE == 10.0
    assert s.tracker.MAX_FRAME_GAP == 2  # TrackMate's default, not set
    assert s.to_dict()["tracker"] == {"ALLOW_TRACK_SPLITTING": True, "LINKING_MAX_DISTANCE": 10.0}


def test_infinity_is_written_as_java_writes_it_and_read_back():
    s = TrackingSettings.create(
        {"input": {"cells_csv": "c.csv"}, "tracker": {"BLOCKING_VALUE": math.inf}}
    )
    text = s.to_json()
    assert '"BLOCKING_VALUE": "Infinity"' in text
    assert TrackingSettings.from_json(text) == s


def test_relative_paths_in_a_settings_file_are_relative_to_its_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "s.json"
    path.write_text(json.dumps({"input": {"labels": "../l.tif", "raw": "r.tif"}}))
    s = TrackingSettings.read_json(path)
    assert s.input.labels == tmp_path / "l.tif"
    assert s.input.raw == tmp_path / "sub" / "r.tif"


def test_feature_filter_text_is_parsed_like_the_java_flag():
    assert FeatureFilter.parse("VOLUME>=50") == FeatureFilter(
        feature="VOLUME", value=50.0, is_above=True
    )
    assert FeatureFilter.parse("MEAN_INTENSITY_CH1<=2e3").is_above is False
    for bad in ("VOLUME=50", "VOLUME>=50<=3", ">=50", "1X>=2", "VOLUME>=inf"):
        with pytest.raises(TrackingError):
            FeatureFilter.parse(bad)


# --- against Java ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def java():
    """BTrackmate's settings classes, in this process's JVM."""
    from volltrack.tracking import start_jvm

    start_jvm()
    import scyjava

    class Java:
        SettingsJson = scyjava.jimport("org.volltrack.btrackmate.settings.SettingsJson")
        BTrackmateSettings = scyjava.jimport("org.volltrack.btrackmate.settings.BTrackmateSettings")
        LapSettings = scyjava.jimport("org.volltrack.btrackmate.tracking.LapSettings")
        TrackerMap = scyjava.jimport("org.volltrack.btrackmate.settings.TrackerMap")
        Paths = scyjava.jimport("java.nio.file.Paths")
        HashMap = scyjava.jimport("java.util.LinkedHashMap")

    return Java


def _java_json(java, jsettings) -> dict:
    return json.loads(str(java.SettingsJson.toJson(jsettings)))


@pytest.mark.jvm
def test_python_defaults_are_the_java_defaults(java):
    from volltrack.tracking._track import _from_java

    assert TrackerSettings().resolved() == _from_java(java.LapSettings.defaults().toMap())
    assert tuple(str(k) for k in java.LapSettings.TRACKMATE_KEYS) == TRACKER_KEYS[:-1]
    assert sorted(str(k) for k in java.TrackerMap.knownKeys()) == sorted(TRACKER_KEYS)
    jdefault = java.BTrackmateSettings.builder().cellsCsv(java.Paths.get("c.csv")).build()
    python = TrackingSettings.create({"input": {"cells_csv": "c.csv"}})
    assert python.to_dict() == _java_json(java, jdefault)


FULL = {
    "version": 1,
    "input": {
        "labels": "/data/labels.tif",
        "raw": "/data/raw.tif",
        "mask": "/data/mask.tif",
        "voxel_size_zyx": [2.0, 0.5, 0.25],
        "frame_interval": 10.5,
    },
    "filters": {
        "features": [
            {"feature": "VOLUME", "value": 50.0, "is_above": True},
            {"feature": "MEAN_INTENSITY_CH1", "value": 1e4, "is_above": False},
        ],
        "roi": {"x_min": 0.0, "x_max": 100.0, "y_max": 80.0, "z_min": -1.5},
        "centroid_in_tissue": True,
    },
    "min_tracklet_length": 3,
    "tracking": True,
    "tracker": {
        "ALLOW_GAP_CLOSING": False,
        "ALLOW_TRACK_MERGING": True,
        "ALLOW_TRACK_SPLITTING": True,
        "ALTERNATIVE_LINKING_COST_FACTOR": 1.2,
        "BLOCKING_VALUE": "Infinity",
        "CUTOFF_PERCENTILE": 0.75,
        "GAP_CLOSING_FEATURE_PENALTIES": {"QUALITY": 0.5},
        "GAP_CLOSING_MAX_DISTANCE": 9.0,
        "KALMAN_SEARCH_RADIUS": 20.0,
        "LINKING_FEATURE_PENALTIES": {"MEAN_INTENSITY_CH1": 1.0, "VOLUME": 0.25},
        "LINKING_MAX_DISTANCE": 7.5,
        "MAX_FRAME_GAP": 3,
        "MERGING_FEATURE_PENALTIES": {},
        "MERGING_MAX_DISTANCE": 6.0,
        "SINGLETON_GAP_CLOSING": True,
        "SPLITTING_FEATURE_PENALTIES": {"VOLUME": 2.0},
        "SPLITTING_MAX_DISTANCE": 8.0,
    },
}


@pytest.mark.jvm
@pytest.mark.parametrize(
    "data",
    [
        FULL,
        {"input": {"cells_csv": "rel/cells.csv"}},
        {"input": {"trackmate_xml": "/t.xml"}, "tracking": False, "tracker": {"MAX_FRAME_GAP": 4}},
    ],
    ids=["every-setting", "defaults", "xml-input"],
)
def test_settings_json_round_trips_through_the_java_reader(java, data):
    python = TrackingSettings.create(data)
    jsettings = java.SettingsJson.fromJson(python.to_json(), "python")
    assert _java_json(java, jsettings) == python.to_dict()
    back = TrackingSettings.from_json(str(java.SettingsJson.toJson(jsettings)), source="java")
    assert back == python and back.to_dict() == python.to_dict()
    # the same object whichever side read the JSON
    assert jsettings.equals(java.SettingsJson.fromJson(json.dumps(data), "file"))


@pytest.mark.jvm
def test_tracker_values_as_text_are_parsed_as_java_parses_them(java):
    given = {
        "LINKING_MAX_DISTANCE": " 1e1 ",
        "ALLOW_GAP_CLOSING": "TRUE",
        "MAX_FRAME_GAP": "3.0",
        "BLOCKING_VALUE": "-Infinity",
        "CUTOFF_PERCENTILE": "0.5d",
        "LINKING_FEATURE_PENALTIES": "{'QUALITY'=1, MEAN_INTENSITY_CH1: 2.5}",
        "SPLITTING_FEATURE_PENALTIES": "",
    }
    from volltrack.tracking._track import _from_java

    jmap = java.HashMap()
    for k, v in given.items():
        jmap.put(k, v)
    assert TrackerSettings(**given).to_map() == _from_java(java.TrackerMap.normalize(jmap))


BAD = [
    {"input": {"cells_csv": "c.csv"}, "colour": 1},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"LINKING_DISTANCE": 1.0}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"LINKING_MAX_DISTANCE": -1}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"LINKING_MAX_DISTANCE": "ten"}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"MAX_FRAME_GAP": 0}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"MAX_FRAME_GAP": 2.5}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"ALLOW_GAP_CLOSING": 1}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"ALLOW_GAP_CLOSING": "yes"}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"CUTOFF_PERCENTILE": 2}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"ALTERNATIVE_LINKING_COST_FACTOR": 0}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"KALMAN_SEARCH_RADIUS": -3}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"BLOCKING_VALUE": "NaN"}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"LINKING_FEATURE_PENALTIES": {"Q": -1}}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"LINKING_FEATURE_PENALTIES": "QUALITY"}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"LINKING_FEATURE_PENALTIES": {"Q": "x"}}},
    {"input": {"cells_csv": "c.csv"}, "tracker": {"LINKING_FEATURE_PENALTIES": {" ": 1}}},
    {"input": {"cells_csv": "c.csv", "raw": "r.tif"}},
    {"input": {"cells_csv": "c.csv", "labels": "l.tif"}},
    {"input": {"cells_csv": "c.csv"}, "tracking": False},
    {"input": {"cells_csv": "c.csv"}, "filters": {"centroid_in_tissue": True}},
    {"input": {"cells_csv": "c.csv"}, "min_tracklet_length": -1},
    {"input": {"cells_csv": "c.csv"}, "min_tracklet_length": 2.5},
    {"input": {"cells_csv": "c.csv"}, "min_tracklet_length": "3"},
    {"input": {"cells_csv": "c.csv", "frame_interval": 0}},
    {"input": {"cells_csv": "c.csv", "frame_interval": "1"}},
    {"input": {"cells_csv": "c.csv", "voxel_size_zyx": [1, 2]}},
    {"input": {"cells_csv": "c.csv", "voxel_size_zyx": [1, -2, 1]}},
    {"input": {"cells_csv": "c.csv", "voxel_size_zyx": [1, "a", 1]}},
    {"input": {"cells_csv": ""}},
    {"input": {"cells_csv": 3}},
    {"input": {"cells_csv": "c.csv", "bogus": 1}},
    {"input": {"cells_csv": "c.csv"}, "filters": {"roi": {"x_min": 5, "x_max": 1}}},
    {"input": {"cells_csv": "c.csv"}, "filters": {"roi": {"x_min": "a"}}},
    {"input": {"cells_csv": "c.csv"}, "filters": {"features": [{"feature": "V", "value": 1}]}},
    {
        "input": {"cells_csv": "c.csv"},
        "filters": {"features": [{"feature": "V", "value": "x", "is_above": True}]},
    },
    {
        "input": {"cells_csv": "c.csv"},
        "filters": {"features": [{"feature": " ", "value": 1, "is_above": True}]},
    },
    {"input": {"cells_csv": "c.csv"}, "filters": {"centroid_in_tissue": 1}},
    {"input": {"cells_csv": "c.csv"}, "tracker": []},
    {"input": []},
    {"filters": {}},
    {"version": 2, "input": {"cells_csv": "c.csv"}},
    {"input": {}},
]


@pytest.mark.jvm
@pytest.mark.parametrize("data", BAD, ids=lambda d: json.dumps(d)[:60])
def test_bad_settings_give_the_java_message(java, data):
    text = json.dumps(data)
    with pytest.raises(Exception) as jinfo:
        java.SettingsJson.fromJson(text, "s.json")
    with pytest.raises(TrackingError) as pinfo:
        TrackingSettings.from_json(text, source="s.json")
    assert str(pinfo.value) == str(jinfo.value.getMessage())


@pytest.mark.jvm
def test_every_flag_of_the_java_cli_is_a_volltrack_track_option_with_the_same_arity():
    from volltrack._jars import find_jars
    from volltrack.cli import build_parser
    from volltrack.tracking import java_executable

    help_text = subprocess.run(
        [java_executable(), "-jar", str(find_jars().btrackmate), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    java_flags: dict[str, int] = {}
    for line in help_text.splitlines():
        m = re.match(r"\s{2}(--[A-Za-z_-]+)((?: [A-Z]+)*)", line)
        if m:
            java_flags[m.group(1)] = len(m.group(2).split())
    # lines like "--filter F>=V | F<=V" and the ROI's own line
    java_flags["--filter"] = 1
    assert len(java_flags) >= 40 and "--LINKING_MAX_DISTANCE" in java_flags
    for key in TRACKER_KEYS:  # the lower-case spelling the help text mentions
        java_flags[f"--{key.lower().replace('_', '-')}"] = 1
    sub = build_parser()._subparsers._group_actions[0].choices["track"]
    actions = sub._option_string_actions
    missing = sorted(set(java_flags) - set(actions))
    assert not missing, missing
    for flag, arity in java_flags.items():
        if flag in ("--help", "--version"):
            continue
        nargs = actions[flag].nargs
        assert (1 if nargs is None else nargs) == arity, flag
