"""BTrackmate's settings as one typed Python object, the same as the Java ``BTrackmateSettings``.

The fields, their JSON names, defaults and rules are those of the Java classes
``BTrackmateSettings``, ``SettingsJson``, ``FilterSettings``, ``RoiBox``, ``FeatureFilter`` and
``LapSettings`` (TrackMate's LAP keys, spelled as TrackMate spells them); the error messages are
Java's too, so reading a bad settings file in Python or in Java says the same thing (a test
checks it case by case). :meth:`TrackingSettings.to_json` writes the file that
``java -jar BTrackmate_-*.jar --settings FILE`` reads, :meth:`TrackingSettings.from_json` reads
what ``--save-settings`` writes.

The tracker keys follow Java's map semantics: a key you set is written to the JSON; a key you
leave alone keeps TrackMate's default (or, with TrackMate XML input, that file's own value) and is
not written. :attr:`TrackerSettings.model_fields_set` says which keys were set.
"""

from __future__ import annotations

import json
import math
import re
from os import PathLike
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from volltrack._errors import InputError

__all__ = [
    "TRACKER_KEYS",
    "TRACKMATE_KEYS",
    "FeatureFilter",
    "FilterSettings",
    "InputSettings",
    "RoiBox",
    "TrackerSettings",
    "TrackingError",
    "TrackingSettings",
]


class TrackingError(InputError):
    """BTrackmate refused its input or settings; the message is BTrackmate's own one line."""


#: TrackMate's LAP tracker keys, in TrackMate's order (Java ``LapSettings.TRACKMATE_KEYS``).
TRACKMATE_KEYS: tuple[str, ...] = (
    "LINKING_MAX_DISTANCE",
    "LINKING_FEATURE_PENALTIES",
    "ALLOW_GAP_CLOSING",
    "GAP_CLOSING_MAX_DISTANCE",
    "MAX_FRAME_GAP",
    "GAP_CLOSING_FEATURE_PENALTIES",
    "ALLOW_TRACK_SPLITTING",
    "SPLITTING_MAX_DISTANCE",
    "SPLITTING_FEATURE_PENALTIES",
    "ALLOW_TRACK_MERGING",
    "MERGING_MAX_DISTANCE",
    "MERGING_FEATURE_PENALTIES",
    "ALTERNATIVE_LINKING_COST_FACTOR",
    "CUTOFF_PERCENTILE",
    "BLOCKING_VALUE",
    "KALMAN_SEARCH_RADIUS",
)
#: Every tracker key BTrackmate accepts: TrackMate's plus its extension ``SINGLETON_GAP_CLOSING``.
TRACKER_KEYS: tuple[str, ...] = (*TRACKMATE_KEYS, "SINGLETON_GAP_CLOSING")

# Java's Double.parseDouble on decimal text (hexadecimal floats are not accepted here).
_JAVA_DOUBLE = re.compile(r"[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)")


def _jfmt(value: float) -> str:
    """A double as Java's ``Double.toString`` writes it (for the plain cases)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    a = abs(value)
    if a != 0 and (a < 1e-3 or a >= 1e7):
        mantissa, exp = f"{value:.16e}".split("e")
        digits = repr(float(mantissa))
        return f"{digits}E{int(exp)}"
    return repr(float(value))


def _describe(value: Any) -> str:
    """A value as Java's ``SettingValues.describe`` names it (JSON numbers are Java Doubles)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return f"Boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"Double {_jfmt(float(value))}"
    if isinstance(value, dict):
        return "LinkedHashMap " + "{" + ", ".join(f"{k}={v}" for k, v in value.items()) + "}"
    return f"{type(value).__name__} {value}"


def _to_double(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{key} must be a number, got {_describe(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not _JAVA_DOUBLE.fullmatch(text):
            raise ValueError(f"{key} must be a number, got '{value}'")
        return float(text.rstrip("fFdD"))  # Java's optional float/double suffix
    return float(value)


def _to_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{key} must be an integer, got {_describe(value)}")
    if isinstance(value, int):
        if not -(2**31) <= value < 2**31:
            raise ValueError(f"{key} must be an integer, got {value}")
        return value
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text) and -(2**31) <= int(text) < 2**31:
            return int(text)
        if not _JAVA_DOUBLE.fullmatch(text):
            raise ValueError(f"{key} must be an integer, got '{value}'")
        number = _to_double(key, text)
        shown = value
    else:
        number = float(value)
        shown = _jfmt(number)
    if (
        math.isnan(number)
        or math.isinf(number)
        or number != round(number)
        or abs(number) > 2**31 - 1
    ):
        raise ValueError(f"{key} must be an integer, got {shown}")
    return int(number)


def _to_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"{key} must be true or false, got {_describe(value)}")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
        return text[1:-1]
    return text


def _to_penalties(key: str, value: Any) -> dict[str, float]:
    """A penalty map from a mapping or the text ``F=w,G=w`` (Java ``SettingValues.toPenalties``)."""
    raw: dict[str, float] = {}
    if isinstance(value, dict):
        for feature, weight in value.items():
            if not isinstance(feature, str):
                raise ValueError(f"{key}: feature names must be strings, got {_describe(feature)}")
            raw[feature] = _to_double(f"{key}[{feature}]", weight)
    elif isinstance(value, str):
        text = value.strip()
        if text not in ("", "{}"):
            if text.startswith("{") and text.endswith("}"):
                text = text[1:-1]
            for part in text.split(","):
                p = part.strip()
                eq = p.find("=")
                if eq < 0:
                    eq = p.find(":")
                if eq <= 0:
                    raise ValueError(
                        f"{key} must be written FEATURE=weight[,FEATURE=weight...], got '{value}'"
                    )
                feature = _unquote(p[:eq].strip())
                raw[feature] = _to_double(f"{key}[{feature}]", p[eq + 1 :].strip())
    else:
        raise ValueError(f"{key} must be a map of feature to weight, got {_describe(value)}")
    checked: dict[str, float] = {}
    for feature, weight in raw.items():
        if not feature.strip():
            raise ValueError(f"{key}: a feature name must not be empty")
        if not weight >= 0 or math.isinf(weight):
            raise ValueError(
                f"{key}: the weight of feature '{feature}' must be a finite number >= 0, "
                f"got {_jfmt(weight)}"
            )
        checked[feature.strip()] = weight
    return checked


def _distance(key: str, value: Any) -> float:
    d = _to_double(key, value)
    if not d >= 0 or math.isinf(d):
        raise ValueError(f"{key} must be a finite number >= 0, got {_jfmt(d)}")
    return d


def _strip_key(key: str, message: str) -> str:
    """Java's JSON reader drops the leading ``KEY `` of a tracker message (not ``KEY:``)."""
    return message[len(key) + 1 :] if message.startswith(key + " ") else message


def _tracker_check(info_key: str, value: Any) -> Any:
    key = info_key
    try:
        if key.endswith("_FEATURE_PENALTIES"):
            return _to_penalties(key, value)
        if key.startswith("ALLOW_") or key == "SINGLETON_GAP_CLOSING":
            return _to_bool(key, value)
        if key == "MAX_FRAME_GAP":
            n = _to_int(key, value)
            if n < 1:
                raise ValueError(f"{key} must be an integer >= 1, got {n}")
            return n
        if key.endswith("_MAX_DISTANCE"):
            return _distance(key, value)
        d = _to_double(key, value)
        if key in ("ALTERNATIVE_LINKING_COST_FACTOR", "KALMAN_SEARCH_RADIUS"):
            if not d > 0 or math.isinf(d):
                raise ValueError(f"{key} must be a finite number > 0, got {_jfmt(d)}")
        elif key == "CUTOFF_PERCENTILE":
            if not 0 <= d <= 1:
                raise ValueError(f"{key} must be in [0, 1], got {_jfmt(d)}")
        elif key == "BLOCKING_VALUE" and math.isnan(d):
            raise ValueError(f"{key} must be a number (not NaN), got NaN")
        return d
    except ValueError as exc:
        raise ValueError(_strip_key(key, str(exc))) from None


_PENALTIES = "feature → weight (finite, ≥ 0) added to the cost: D²·(1 + Σ 1.5·w·|Δf|/mean f)²"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)

    #: Java's names for the keys of this JSON object, in Java's order (for "unknown key" errors).
    _json_keys: ClassVar[tuple[str, ...]] = ()


class TrackerSettings(_Model):
    """TrackMate's LAP tracker settings (``SPARSE_LAP_TRACKER``), TrackMate's keys and defaults.

    Values may be given as numbers/booleans/mappings or as the text a command line gives
    (``"10"``, ``"Infinity"``, ``"true"``, ``"MEAN_INTENSITY_CH1=1,QUALITY=0.5"``), parsed as
    Java parses them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)

    LINKING_MAX_DISTANCE: float = Field(
        15.0, ge=0, description="frame-to-frame cutoff (µm); a candidate is kept when cost < value²"
    )
    LINKING_FEATURE_PENALTIES: dict[str, float] = Field(
        default_factory=dict, description=f"frame-to-frame penalties: {_PENALTIES}"
    )
    ALLOW_GAP_CLOSING: bool = Field(True, description="join segment ends to later segment starts")
    GAP_CLOSING_MAX_DISTANCE: float = Field(
        15.0, ge=0, description="gap-closing cutoff (µm); kept when cost ≤ value²"
    )
    MAX_FRAME_GAP: int = Field(
        2, ge=1, description="largest frame difference of a gap-closing link (2 bridges one frame)"
    )
    GAP_CLOSING_FEATURE_PENALTIES: dict[str, float] = Field(
        default_factory=dict, description=f"gap-closing penalties: {_PENALTIES}"
    )
    ALLOW_TRACK_SPLITTING: bool = Field(False, description="allow divisions (a track splits)")
    SPLITTING_MAX_DISTANCE: float = Field(
        15.0, ge=0, description="splitting cutoff (µm); kept when cost ≤ value²"
    )
    SPLITTING_FEATURE_PENALTIES: dict[str, float] = Field(
        default_factory=dict, description=f"splitting penalties: {_PENALTIES}"
    )
    ALLOW_TRACK_MERGING: bool = Field(False, description="allow merges (two tracks join)")
    MERGING_MAX_DISTANCE: float = Field(
        15.0, ge=0, description="merging cutoff (µm); kept when cost ≤ value²"
    )
    MERGING_FEATURE_PENALTIES: dict[str, float] = Field(
        default_factory=dict, description=f"merging penalties: {_PENALTIES}"
    )
    ALTERNATIVE_LINKING_COST_FACTOR: float = Field(
        1.05,
        gt=0,
        description="no-link cost = factor × the max (step 1) or percentile (step 2) cost",
    )
    CUTOFF_PERCENTILE: float = Field(
        0.9, ge=0, le=1, description="percentile of the step-2 costs used for the no-link cost"
    )
    BLOCKING_VALUE: float = Field(
        math.inf, description="stored for TrackMate, unused by the sparse tracker; not NaN"
    )
    KALMAN_SEARCH_RADIUS: float | None = Field(
        None, gt=0, description="optional, unused by the LAP tracker (TrackMate's Kalman trackers)"
    )
    SINGLETON_GAP_CLOSING: bool = Field(
        False,
        description="BTrackmate extension: spots never linked frame to frame take part in gap "
        "closing (TrackMate issue #125); off = TrackMate's behaviour",
    )

    @field_validator(*TRACKER_KEYS, mode="before")
    @classmethod
    def _java_value(cls, value: Any, info) -> Any:
        if value is None and info.field_name == "KALMAN_SEARCH_RADIUS":
            return None
        return _tracker_check(info.field_name, value)

    def to_map(self) -> dict[str, Any]:
        """The keys that were set, with their values (the JSON ``tracker`` object, in Python)."""
        return {k: getattr(self, k) for k in TRACKER_KEYS if k in self.model_fields_set}

    def resolved(self) -> dict[str, Any]:
        """Every key with its value, defaults included (Java ``LapSettings.toMap()``)."""
        out = {k: getattr(self, k) for k in TRACKER_KEYS}
        if out["KALMAN_SEARCH_RADIUS"] is None:
            del out["KALMAN_SEARCH_RADIUS"]
        return out


class FeatureFilter(_Model):
    """A TrackMate feature filter: keep cells whose ``feature`` is ≥ (``is_above``) or ≤ ``value``.

    A cell lacking the feature, or whose value is NaN, does not pass.
    """

    _json_keys: ClassVar[tuple[str, ...]] = ("feature", "value", "is_above")

    feature: str = Field(description="spot feature key, e.g. VOLUME or MEAN_INTENSITY_CH1")
    value: float = Field(description="the threshold (not NaN)")
    is_above: bool = Field(description="true: keep values ≥ value; false: keep values ≤ value")

    @field_validator("feature", mode="before")
    @classmethod
    def _string(cls, value: Any) -> Any:
        return _expect(value, str, "a string")

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return _expect(value, int | float, "a number")

    @field_validator("is_above", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> Any:
        return _expect(value, bool, "true or false")

    @model_validator(mode="after")
    def _check(self) -> FeatureFilter:
        if not self.feature.strip():
            raise ValueError("a feature filter needs a feature key")
        if math.isnan(self.value):
            raise ValueError(f"feature filter on {self.feature}: threshold is NaN")
        return self

    @classmethod
    def parse(cls, text: str) -> FeatureFilter:
        """``FEATURE>=VALUE`` or ``FEATURE<=VALUE`` (the Java CLI's ``--filter``)."""
        ge, le = text.find(">="), text.find("<=")
        at = ge if ge >= 0 else le
        if (ge >= 0) == (le >= 0) or at <= 0:
            raise TrackingError(f"expected FEATURE>=VALUE or FEATURE<=VALUE, got '{text}'")
        feature = text[:at].strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", feature):
            raise TrackingError(
                f"expected a feature key such as VOLUME or MEAN_INTENSITY_CH1, got '{feature}'"
            )
        try:
            value = float(text[at + 2 :].strip())
        except ValueError:
            raise TrackingError(f"expected a number, got '{text[at + 2 :]}'") from None
        if not math.isfinite(value):
            raise TrackingError(f"expected a finite number, got '{text[at + 2 :]}'")
        return cls(feature=feature, value=value, is_above=ge >= 0)


class RoiBox(_Model):
    """A box in physical units (µm); a cell passes when its position is inside, bounds included.

    An absent (infinite) bound leaves that side open.
    """

    _json_keys: ClassVar[tuple[str, ...]] = ("x_min", "x_max", "y_min", "y_max", "z_min", "z_max")

    x_min: float = Field(-math.inf, description="lower X bound (µm, inclusive)")
    x_max: float = Field(math.inf, description="upper X bound (µm, inclusive)")
    y_min: float = Field(-math.inf, description="lower Y bound (µm, inclusive)")
    y_max: float = Field(math.inf, description="upper Y bound (µm, inclusive)")
    z_min: float = Field(-math.inf, description="lower Z bound (µm, inclusive)")
    z_max: float = Field(math.inf, description="upper Z bound (µm, inclusive)")

    @field_validator("x_min", "x_max", "y_min", "y_max", "z_min", "z_max", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return _expect(value, int | float, "a number")

    @model_validator(mode="after")
    def _check(self) -> RoiBox:
        for axis in "xyz":
            lo, hi = getattr(self, f"{axis}_min"), getattr(self, f"{axis}_max")
            if math.isnan(lo) or math.isnan(hi):
                raise ValueError(f"ROI box bound along {axis} is NaN")
            if lo > hi:
                raise ValueError(
                    f"ROI box along {axis}: min {_jfmt(lo)} is greater than max {_jfmt(hi)}"
                )
        return self


class FilterSettings(_Model):
    """The spot filters: filtered cells stay in the XML, invisible and untracked."""

    _json_keys: ClassVar[tuple[str, ...]] = ("features", "roi", "centroid_in_tissue")

    features: tuple[FeatureFilter, ...] = Field((), description="feature filters, in order")
    roi: RoiBox | None = Field(None, description="keep cells inside this box; None: no box")
    centroid_in_tissue: bool = Field(
        False, description="keep cells whose centroid lies in the tissue mask (needs a mask)"
    )

    @field_validator("centroid_in_tissue", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> Any:
        return _expect(value, bool, "true or false")


class InputSettings(_Model):
    """What to read: one of ``cells_csv``, ``labels`` (+ ``raw``) or ``trackmate_xml``."""

    _json_keys: ClassVar[tuple[str, ...]] = (
        "cells_csv",
        "labels",
        "trackmate_xml",
        "raw",
        "mask",
        "voxel_size_zyx",
        "frame_interval",
    )

    cells_csv: Path | None = Field(None, description="a cells.csv table")
    labels: Path | None = Field(None, description="an integer label image (TZYX or ZYX TIFF)")
    trackmate_xml: Path | None = Field(None, description="an existing TrackMate XML file")
    raw: Path | None = Field(None, description="raw image for intensities (with labels only)")
    mask: Path | None = Field(None, description="tissue mask (ZYX or TZYX, non-zero = tissue)")
    voxel_size_zyx: tuple[float, float, float] | None = Field(
        None, description="voxel size override (µm), Z Y X; None: the images' calibration"
    )
    frame_interval: float | None = Field(
        None, gt=0, description="seconds per frame override; None: the calibration (else 1)"
    )

    @field_validator("cells_csv", "labels", "trackmate_xml", "raw", "mask", mode="before")
    @classmethod
    def _path(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str | PathLike):
            raise ValueError(f"expected a string, got {_json_describe(value)}")
        if isinstance(value, str) and value == "":
            raise ValueError("expected a file path, got an empty string")
        return value

    @field_validator("voxel_size_zyx", mode="before")
    @classmethod
    def _voxel(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str | dict) or not hasattr(value, "__len__") or len(value) != 3:
            raise ValueError(f"expected [z, y, x], three numbers > 0, got {_json_describe(value)}")
        for v in value:
            _expect(v, int | float, "a number")
        for axis, v in zip("zyx", value, strict=True):
            if not v > 0 or math.isinf(v):
                raise ValueError(
                    f"voxel size along {axis} must be finite and > 0, got {_jfmt(float(v))}"
                )
        return tuple(float(v) for v in value)

    @field_validator("frame_interval", mode="before")
    @classmethod
    def _dt(cls, value: Any) -> Any:
        if value is None:
            return None
        _expect(value, int | float, "a number")
        if not value > 0:
            raise ValueError(f"expected a number > 0, got {value}")
        if math.isinf(value):
            raise ValueError(f"frame interval must be finite and > 0, got {_jfmt(value)}")
        return float(value)

    @property
    def kind(self) -> str | None:
        """``"cells_csv"``, ``"labels"``, ``"trackmate_xml"`` or None (no input yet)."""
        for k in ("cells_csv", "labels", "trackmate_xml"):
            if getattr(self, k) is not None:
                return k
        return None


class TrackingSettings(_Model):
    """Every setting of a BTrackmate run: the Java ``BTrackmateSettings`` as a Python object.

    Rules (Java's, same messages): exactly one input of cells CSV, label image and TrackMate XML
    (no input is allowed here until a run, which supplies it); a raw image only with a label
    image; ``tracking=False`` only with TrackMate XML input; ``centroid_in_tissue`` only with a
    mask; ``min_tracklet_length ≥ 0``; tracker keys known and of TrackMate's types and ranges.
    """

    _json_keys: ClassVar[tuple[str, ...]] = (
        "version",
        "input",
        "filters",
        "min_tracklet_length",
        "tracker",
        "tracking",
    )

    version: Literal[1] = Field(1, description="settings format version (1)")
    input: InputSettings = Field(default_factory=InputSettings, description="what to read")
    filters: FilterSettings = Field(default_factory=FilterSettings, description="spot filters")
    min_tracklet_length: int = Field(
        0,
        ge=0,
        description="prune terminal post-division branches shorter than this many frames (0 = "
        "off; BTrackMate's TRACKLET_LENGTH L is L + 1)",
    )
    tracker: TrackerSettings = Field(
        default_factory=TrackerSettings, description="TrackMate LAP tracker keys"
    )
    tracking: bool = Field(
        True, description="track; False keeps the links of TrackMate XML input (filter/prune only)"
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, value: Any) -> Any:
        _expect(value, int | float, "a number")
        if value != 1:
            raise ValueError(f"unsupported settings version {value}; expected 1")
        return 1

    @field_validator("min_tracklet_length", mode="before")
    @classmethod
    def _min_tracklet(cls, value: Any) -> Any:
        _expect(value, int | float, "a number")
        if value != round(value) or value < 0 or value > 2**31 - 1:
            raise ValueError(f"expected an integer >= 0 (frames), got {value}")
        return int(value)

    @field_validator("tracking", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> Any:
        return _expect(value, bool, "true or false")

    @model_validator(mode="after")
    def _rules(self) -> TrackingSettings:
        i = self.input
        n_inputs = sum(x is not None for x in (i.cells_csv, i.labels, i.trackmate_xml))
        if n_inputs > 1:
            raise ValueError("give one input: a cells CSV, a label image or a TrackMate XML file")
        if not self.tracking and i.trackmate_xml is None and n_inputs:
            raise ValueError(
                "tracking can be turned off only for TrackMate XML input (whose links are kept)"
            )
        if i.raw is not None and i.labels is None and n_inputs:
            raise ValueError(
                "a raw image needs a label image; a cells CSV already holds intensities"
            )
        if self.filters.centroid_in_tissue and i.mask is None:
            raise ValueError("the centroid-in-tissue filter needs a tissue mask")
        return self

    # --- construction -------------------------------------------------------------------------

    @classmethod
    def create(cls, data: dict[str, Any] | None = None, *, source: str = "settings", **kw):
        """Validate ``data`` (the JSON's structure) into settings; errors as one-line messages.

        Raises
        ------
        TrackingError
            ``SOURCE: WHERE: PROBLEM``, as BTrackmate's Java reader phrases it.
        """
        try:
            return cls.model_validate({**(data or {}), **kw})
        except ValidationError as exc:
            raise TrackingError(_one_line(exc, source)) from None

    def updated(self, **changes: Any) -> TrackingSettings:
        """A copy with some top-level fields, or tracker/input/filter keys, replaced; validated.

        ``changes`` may name top-level fields (``min_tracklet_length``, ``tracking``, ``filters``),
        input keys (``cells_csv``, ``labels``, ``trackmate_xml``, ``raw``, ``mask``,
        ``voxel_size_zyx``, ``frame_interval``), filter keys (``features``, ``roi``,
        ``centroid_in_tissue``) and tracker keys (``LINKING_MAX_DISTANCE`` or
        ``linking_max_distance``).
        """
        data = self.to_dict(infinite_as_text=False)
        data.setdefault("input", {})
        for key, value in changes.items():
            upper = key.upper()
            if upper in TRACKER_KEYS:
                data["tracker"][upper] = value
            elif key in InputSettings.model_fields:
                data["input"][key] = value
            elif key in FilterSettings.model_fields:
                data["filters"][key] = value
            elif key in TrackingSettings.model_fields and key != "version":
                data[key] = value
            else:
                raise TrackingError(
                    f"settings: {key}: unknown setting; expected a tracker key "
                    f"({', '.join(TRACKER_KEYS)}) or one of "
                    f"{[*InputSettings.model_fields, *FilterSettings.model_fields]}"
                    " or min_tracklet_length, tracking"
                )
        return TrackingSettings.create(data)

    # --- JSON ---------------------------------------------------------------------------------

    def to_dict(self, *, infinite_as_text: bool = True) -> dict[str, Any]:
        """The JSON structure Java's ``SettingsJson`` writes (tracker: only the keys set)."""

        def num(v: float) -> float | str:
            return _jfmt(v) if infinite_as_text and not math.isfinite(v) else v

        i = self.input
        inp: dict[str, Any] = {}
        for key in ("cells_csv", "labels", "trackmate_xml", "raw", "mask"):
            if getattr(i, key) is not None:
                inp[key] = str(getattr(i, key))
        if i.voxel_size_zyx is not None:
            inp["voxel_size_zyx"] = list(i.voxel_size_zyx)
        if i.frame_interval is not None:
            inp["frame_interval"] = i.frame_interval
        filters: dict[str, Any] = {
            "features": [
                {"feature": f.feature, "value": num(f.value), "is_above": f.is_above}
                for f in self.filters.features
            ]
        }
        if self.filters.roi is not None:
            filters["roi"] = {
                k: v for k, v in self.filters.roi.model_dump().items() if math.isfinite(v)
            }
        filters["centroid_in_tissue"] = self.filters.centroid_in_tissue
        tracker = {
            k: (num(v) if isinstance(v, float) else dict(v) if isinstance(v, dict) else v)
            for k, v in sorted(self.tracker.to_map().items())
        }
        return {
            "version": 1,
            "input": inp,
            "filters": filters,
            "min_tracklet_length": self.min_tracklet_length,
            "tracking": self.tracking,
            "tracker": tracker,
        }

    def to_json(self) -> str:
        """The settings JSON (``--settings``); infinite numbers written as ``"Infinity"``."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    def write_json(self, path: str | Path) -> Path:
        """Write :meth:`to_json` atomically to ``path``."""
        from volltrack.io import write_text_atomic

        path = Path(path)
        write_text_atomic(path, self.to_json())
        return path

    @classmethod
    def from_json(
        cls, text: str, *, source: str = "settings", base_dir: str | Path | None = None
    ) -> TrackingSettings:
        """Settings from JSON text; relative paths are resolved against ``base_dir`` when given.

        Raises
        ------
        TrackingError
            Not strict JSON, an unknown key, a value of the wrong type or range; the message is
            ``SOURCE: WHERE: PROBLEM`` as Java's ``SettingsJson`` says it.
        """

        def no_constant(name: str):
            raise TrackingError(f"{source}: malformed JSON: {name} is not a JSON value")

        def no_duplicates(pairs):
            seen: dict[str, Any] = {}
            for k, v in pairs:
                if k in seen:
                    raise TrackingError(f"{source}: {k}: duplicate key")
                seen[k] = v
            return seen

        try:
            root = json.loads(text, parse_constant=no_constant, object_pairs_hook=no_duplicates)
        except json.JSONDecodeError as exc:
            raise TrackingError(
                f"{source}: malformed JSON: {exc.msg} at line {exc.lineno}"
            ) from None
        if not isinstance(root, dict):
            raise TrackingError(f"{source}: expected a JSON object, got {_json_describe(root)}")
        if "input" not in root:
            raise TrackingError(
                f"{source}: input: missing; expected an object with cells_csv, labels (and raw), "
                "or trackmate_xml"
            )
        if base_dir is not None and isinstance(root["input"], dict):
            base = Path(base_dir).absolute()
            for key in ("cells_csv", "labels", "trackmate_xml", "raw", "mask"):
                value = root["input"].get(key)
                if isinstance(value, str) and value and not Path(value).is_absolute():
                    root["input"][key] = str(_normalize(base / value))
        settings = cls.create(root, source=source)
        if settings.input.kind is None:
            raise TrackingError(
                f"{source}: input: no input: give a cells CSV, a label image or a TrackMate XML "
                "file"
            )
        return settings

    @classmethod
    def read_json(cls, path: str | Path) -> TrackingSettings:
        """Read a settings file (as ``--save-settings`` writes it); relative paths → its folder."""
        path = Path(path)
        if not path.is_file():
            raise TrackingError(f"{path}: file not found; expected a settings JSON file")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise TrackingError(f"{path}: not valid UTF-8 text") from None
        return cls.from_json(text, source=str(path), base_dir=path.absolute().parent)


def _normalize(path: Path) -> Path:
    """``Path.normalize()`` of Java: drop ``.`` and resolve ``..`` textually (no symlinks)."""
    import os.path

    return Path(os.path.normpath(path))


def _expect(value: Any, kind: Any, name: str) -> Any:
    """``value`` when it is of JSON type ``kind`` (a bool is not a number), else Java's error."""
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    raise ValueError(f"expected {name}, got {_json_describe(value)}")


def _json_describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return json.dumps(value)


_MODELS = {
    (): TrackingSettings,
    ("input",): InputSettings,
    ("filters",): FilterSettings,
    ("filters", "roi"): RoiBox,
    ("tracker",): TrackerSettings,
}


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _one_line(exc: ValidationError, source: str) -> str:
    """The first error of a pydantic validation as Java's ``SOURCE: WHERE: PROBLEM`` line."""
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = loc[:-1]
        key = parent[:-1] if parent and isinstance(parent[-1], int) else parent
        if key == ("tracker",):
            msg = f"unknown tracker key; expected one of [{', '.join(sorted(TRACKER_KEYS))}]"
        else:
            model = FeatureFilter if key == ("filters", "features") else _MODELS.get(key)
            keys = model._json_keys if model is not None else ()
            msg = f"unknown key; expected one of [{', '.join(keys)}]"
    elif kind == "missing" and len(loc) >= 3 and loc[:2] == ("filters", "features"):
        msg = "missing; expected feature (string), value (number), is_above (boolean)"
    elif kind == "model_type" or kind == "dict_type":
        msg = f"expected a JSON object, got {_json_describe(err.get('input'))}"
    where = _where(loc)
    if not loc and kind == "value_error":
        where = "input"  # Java reports the cross-field rules under "input"
    return f"{source}: {where}: {msg}" if where else f"{source}: {msg}"
