"""The pipeline file ``volltrack.toml``: one typed settings model per stage, nested in one root.

:class:`PipelineConfig` holds the tables of the file:

``[input]`` (:class:`InputConfig`)
    The raw TZYX movie, or the user's own label movie, the optional tissue mask, the model bundle,
    the voxel size and the time interval (defaulting to the movie's calibration).
``[output]`` (:class:`OutputConfig`)
    The output folder.
``[segment]``
    :class:`volltrack.segmentation.SegmentSettings` (N2V denoising is its ``use_n2v``).
``[measure]``
    :class:`volltrack.measure.MeasureSettings`.
``[track]``
    :class:`volltrack.tracking.TrackingSettings` without its ``input`` (the pipeline supplies
    it): ``min_tracklet_length``, ``[track.filters]``, ``[track.tracker]`` (TrackMate's keys).
``[analyze]``
    :class:`volltrack.analysis.AnalysisSettings`.
``[execution]`` (:class:`ExecutionConfig`)
    Where per-frame work runs (``scheduler``, ``workers``), as in
    :func:`volltrack._parallel.map_frames`.

:func:`load_config` reads a file (relative paths are resolved against the file's folder),
:func:`save_config` writes one that loads back equal. Every error is a :class:`ConfigError` of
one line naming the file, the key path (``track.tracker.LINKING_MAX_DISTANCE``) and what was
expected.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import tomllib
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from volltrack._errors import InputError
from volltrack.analysis import AnalysisSettings
from volltrack.measure import MeasureSettings
from volltrack.segmentation import SegmentSettings
from volltrack.tracking import TrackingSettings

__all__ = [
    "ConfigError",
    "ExecutionConfig",
    "InputConfig",
    "OutputConfig",
    "PipelineConfig",
    "config_template",
    "load_config",
    "save_config",
]

#: the key paths that hold file or folder paths (resolved against the TOML file's folder)
PATH_KEYS: tuple[tuple[str, str], ...] = (
    ("input", "raw"),
    ("input", "labels"),
    ("input", "mask"),
    ("input", "models"),
    ("output", "dir"),
    ("analyze", "mask"),
    ("analyze", "raw"),
)


class ConfigError(InputError):
    """A ``volltrack.toml`` file that cannot be read, or a key that is unknown or invalid."""


class InputConfig(BaseModel):
    """``[input]``: what the pipeline reads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    raw: Path | None = Field(
        None,
        description="the raw movie (TZYX TIFF or zarr, one channel); needed to segment and for "
        "intensities",
    )
    labels: Path | None = Field(
        None,
        description="your own label movie (TZYX TIFF, 0 = background); when given, segment is "
        "skipped and these labels are measured",
    )
    mask: Path | None = Field(
        None, description="tissue mask (ZYX or TZYX, non-zero = tissue); optional"
    )
    models: Path | None = Field(
        None,
        description="segmentation model bundle folder (volltrack train); none: the shipped one",
    )
    voxel_size: tuple[float, float, float] | None = Field(
        None, description="(z, y, x) voxel size in µm; none: the movie's calibration"
    )
    time_interval: float | None = Field(
        None, gt=0, description="seconds between frames; none: the movie's calibration, else 1"
    )

    @field_validator("voxel_size")
    @classmethod
    def _positive(cls, value):
        if value is not None and not all(math.isfinite(v) and v > 0 for v in value):
            raise ValueError(f"expected three finite numbers > 0 (µm), got {list(value)}")
        return value

    @model_validator(mode="after")
    def _something(self) -> InputConfig:
        if self.raw is None and self.labels is None:
            raise ValueError("give raw (to segment) or labels (your own segmentation)")
        return self


class OutputConfig(BaseModel):
    """``[output]``: where the results go."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dir: Path = Field(
        Path("volltrack-out"), description="output folder (created; relative to the TOML file)"
    )


class ExecutionConfig(BaseModel):
    """``[execution]``: where per-frame work (segment, measure) runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scheduler: str | None = Field(
        None,
        description="synchronous, threads, processes, local (a dask LocalCluster) or a dask "
        "address tcp://HOST:PORT; none: serial (or threads when workers > 1)",
    )
    workers: int | None = Field(
        None, ge=1, description="threads/processes/dask workers; none: 1 (serial)"
    )

    @field_validator("scheduler")
    @classmethod
    def _scheduler(cls, value):
        from volltrack._parallel import check_scheduler

        try:
            check_scheduler(value)
        except InputError as exc:
            raise ValueError(str(exc)) from None
        return value


class PipelineConfig(BaseModel):
    """The whole pipeline: every table of ``volltrack.toml``. Unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: InputConfig = Field(description="inputs, calibration and models")
    output: OutputConfig = Field(default_factory=OutputConfig, description="output folder")
    segment: SegmentSettings = Field(
        default_factory=SegmentSettings, description="segmentation (skipped with input.labels)"
    )
    measure: MeasureSettings = Field(default_factory=MeasureSettings, description="cell table")
    track: TrackingSettings = Field(
        default_factory=TrackingSettings, description="BTrackmate (input supplied by the pipeline)"
    )
    analyze: AnalysisSettings = Field(
        default_factory=AnalysisSettings, description="track analysis"
    )
    execution: ExecutionConfig = Field(
        default_factory=ExecutionConfig, description="per-frame execution"
    )

    @field_validator("track", mode="before")
    @classmethod
    def _track_input(cls, value, info):
        if isinstance(value, dict) and "input" in value:
            raise ValueError(
                "track.input is set by the pipeline (cells.csv, mask, calibration from [input]); "
                "remove it"
            )
        if isinstance(value, TrackingSettings) and value.input.kind is not None:
            raise ValueError("track.input is set by the pipeline; give settings without an input")
        filters = value.get("filters") if isinstance(value, dict) else None
        if isinstance(filters, dict) and filters.get("centroid_in_tissue") is True:
            inp = info.data.get("input")
            if inp is None or inp.mask is None:
                raise ValueError("filters.centroid_in_tissue needs a tissue mask: set input.mask")
            # the tracker's own rule (a mask for this filter) sees the pipeline's mask
            value = {**value, "input": {"mask": str(inp.mask)}}
        return value

    def to_toml_dict(self, base: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        """The TOML structure (paths relative to ``base`` when they lie under it)."""
        data = {
            name: getattr(self, name).model_dump(mode="json", exclude_none=True)
            for name in ("input", "output", "segment", "measure", "analyze", "execution")
        }
        track = self.track.to_dict(infinite_as_text=False)
        track.pop("input", None)
        track.pop("version", None)
        if not track["filters"].get("features"):
            track["filters"].pop("features", None)
        data["track"] = track
        for section, key in PATH_KEYS:
            value = getattr(getattr(self, section), key)
            if value is not None:
                data[section][key] = _relative(Path(value), base)
        order = ("input", "output", "segment", "measure", "track", "analyze", "execution")
        return {k: data[k] for k in order}


def _relative(path: Path, base: str | os.PathLike[str] | None) -> str:
    if base is None or not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path(base).absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class that holds the key at ``loc`` (for 'unknown key' messages)."""
    model: Any = PipelineConfig
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        ann = field.annotation
        candidates = [ann, *getattr(ann, "__args__", ())]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if model is None:
            # a tuple of models, e.g. filters.features
            args = [a for c in candidates for a in getattr(c, "__args__", ())]
            model = next(
                (a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None
            )
            if model is None:
                return None
    return model


def _one_line(exc: ValidationError, source: str) -> str:
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc)
    where = where.replace(".[", "[")
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if err["type"] == "extra_forbidden":
        model = _model_at(loc)
        keys = list(model.model_fields) if model is not None else []
        if model is TrackingSettings:
            keys.remove("input")
            keys.remove("version")
        msg = "unknown key" + (f"; expected one of {', '.join(keys)}" if keys else "")
    elif err["type"] == "missing":
        msg = "missing; this table/key is required"
    elif "input" in err and err["type"] not in ("value_error", "assertion_error"):
        value = err["input"]
        if not isinstance(value, dict):
            msg += f" (got {value!r})"
    return f"{source}: {where or '(top level)'}: {msg}"


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    for section, key in PATH_KEYS:
        table = data.get(section)
        if isinstance(table, dict) and isinstance(table.get(key), str) and table[key]:
            p = Path(table[key]).expanduser()
            table[key] = str(Path(os.path.normpath(base / p))) if not p.is_absolute() else str(p)


def config_from_dict(
    data: dict[str, Any], *, source: str = "volltrack.toml", base: str | os.PathLike[str] | None
) -> PipelineConfig:
    """Validate a TOML structure into a :class:`PipelineConfig`.

    Relative paths are resolved against ``base`` (the TOML file's folder) when given.

    Raises
    ------
    ConfigError
        ``SOURCE: KEY.PATH: what was expected``.
    """
    import copy

    data = copy.deepcopy(data)
    if base is not None:
        _resolve_paths(data, Path(base).absolute())
    track = data.get("track")
    if isinstance(track, dict) and "version" in track:
        raise ConfigError(f"{source}: track.version: unknown key; the pipeline file has no version")
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, source)) from None


def load_config(path: str | os.PathLike[str]) -> PipelineConfig:
    """Read a ``volltrack.toml`` file.

    Relative paths in it (``input.raw``, ``input.labels``, ``input.mask``, ``input.models``,
    ``output.dir``, ``analyze.mask``, ``analyze.raw``) are resolved against the file's folder.

    Raises
    ------
    ConfigError
        A missing or unreadable file, invalid TOML, an unknown key or a bad value; one line naming
        the file, the key path and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; expected a volltrack.toml pipeline file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; expected a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from_dict(data, source=str(path), base=path.absolute().parent)


def save_config(
    config: PipelineConfig, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write ``config`` as TOML (atomically); :func:`load_config` reads it back equal.

    Paths under the file's folder are written relative to it, others absolute.
    """
    import tomli_w

    from volltrack.io import write_text_atomic

    path = Path(path)
    if path.exists() and not overwrite:
        raise ConfigError(f"{path}: already exists (use overwrite to replace it)")
    text = tomli_w.dumps(config.to_toml_dict(path.absolute().parent))
    write_text_atomic(path, text)
    return path


def _field_lines(model: type[BaseModel], prefix: str = "") -> list[str]:
    lines = []
    for name, field in model.model_fields.items():
        lines.append(f"# {prefix}{name}: {field.description}")
    return lines


def config_template(raw: str = "raw.tif", out: str = "volltrack-out") -> str:
    """A documented ``volltrack.toml`` (every key, its meaning, commented-out optional ones).

    What ``volltrack run --init`` writes; it loads as is (given the files it names exist when the
    pipeline runs).
    """
    from volltrack.tracking import TrackerSettings

    def section(title: str, model: type[BaseModel], body: list[str], note: str = "") -> list[str]:
        out_lines = ["", f"[{title}]"]
        if note:
            out_lines.append(f"# {note}")
        out_lines += _field_lines(model)
        return out_lines + body

    lines = [
        "# volltrack pipeline file: volltrack run volltrack.toml",
        "# (denoise) → segment → measure → track → analyze → report, resumable.",
        "# Relative paths are relative to this file's folder. Unknown keys are errors.",
    ]
    lines += section(
        "input",
        InputConfig,
        [f'raw = "{raw}"', '# labels = "my_labels.tif"', '# mask = "tissue_mask.tif"',
         '# models = "my-models"', "# voxel_size = [2.0, 0.5, 0.5]", "# time_interval = 300.0"],
    )  # fmt: skip
    lines += section("output", OutputConfig, [f'dir = "{out}"'])
    lines += section(
        "segment",
        SegmentSettings,
        ["use_n2v = false", "# prob_thresh = 0.5", "# nms_thresh = 0.4", "# unet_threshold = 0.5",
         "n_tiles = [1, 1, 1]", "min_volume = 0.0"],
        "volltrack.segmentation.SegmentSettings; thresholds left out: the model bundle's",
    )  # fmt: skip
    lines += section(
        "measure", MeasureSettings, ["intensities = true", "tissue = true"], "the cell table"
    )
    lines += section(
        "track",
        TrackingSettings,
        ["min_tracklet_length = 0"],
        "BTrackmate; the input (cells.csv, mask, calibration) is supplied by the pipeline",
    )
    lines = [ln for ln in lines if not ln.startswith(("# input:", "# version:"))]
    lines += [
        "",
        "[track.filters]",
        '# features = [{feature = "QUALITY", value = 0.0, is_above = true}]',
        "# roi = {x_min = 0.0, x_max = 100.0}",
        "centroid_in_tissue = false",
        "",
        "[track.tracker]",
        "# TrackMate's LAP tracker keys (distances in µm):",
    ]
    for name, field in TrackerSettings.model_fields.items():
        lines.append(f"# {name}: {field.description}")
    lines += [
        "LINKING_MAX_DISTANCE = 15.0",
        "ALLOW_GAP_CLOSING = true",
        "GAP_CLOSING_MAX_DISTANCE = 15.0",
        "MAX_FRAME_GAP = 2",
        "ALLOW_TRACK_SPLITTING = true",
        "SPLITTING_MAX_DISTANCE = 15.0",
    ]
    lines += section(
        "analyze",
        AnalysisSettings,
        ['table_format = "csv"', 'figure_formats = ["png"]'],
        "volltrack.analysis.AnalysisSettings; mask/raw default to [input]'s",
    )
    lines += section(
        "execution",
        ExecutionConfig,
        ['# scheduler = "local"', "# workers = 2"],
    )
    return "\n".join(lines) + "\n"
