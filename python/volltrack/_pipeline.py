"""``volltrack.run_pipeline``: (denoise) → segment → measure → track → analyze → report.

Every stage writes its outputs atomically into the output folder and then records a fingerprint
in ``OUT/.volltrack/STAGE.json``: a SHA-256 of the stage's settings, its input files (path, size
and content hash) and the volltrack version. A re-run skips a stage whose fingerprint is
unchanged and whose outputs are still those it wrote; changing a setting reruns that stage, and
the stages downstream rerun only when their inputs changed. Segmentation is resumable per frame
(:func:`volltrack.segmentation.segment_movie`), so an interrupted run continues where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from volltrack._errors import InputError
from volltrack.config import PipelineConfig, load_config, save_config

__all__ = ["PIPELINE_STAGES", "PipelineResult", "StageRun", "run_pipeline"]

#: the stages in order (denoising is part of segment: ``segment.use_n2v``)
PIPELINE_STAGES = ("segment", "measure", "track", "analyze", "report")
STATE_DIR = ".volltrack"
#: evaluation scores the report shows when the file exists (``volltrack demo`` writes it)
SCORES_FILE = "evaluation.json"

Progress = Callable[[str, int, int, str], None]


@dataclass(frozen=True)
class StageRun:
    """What happened to one stage: ``status`` is ``"ran"``, ``"skipped"`` (unchanged) or
    ``"not needed"`` (segment with ``input.labels``); ``seconds`` its wall time."""

    stage: str
    status: str
    seconds: float
    fingerprint: str | None


@dataclass(frozen=True)
class PipelineResult:
    """The files of a pipeline run. Every field always exists (None when not produced).

    Attributes
    ----------
    out_dir : Path
        The output folder.
    config_file : Path
        ``OUT/volltrack.toml``: the settings used (paths inside ``OUT`` relative to it).
    segmentation_dir : Path or None
        ``OUT/segment/`` (labels, StarDist, U-Net, probability, markers, denoised); None when the
        labels were given.
    labels : Path
        The label movie measured (``OUT/segment/labels.tif`` or ``input.labels``).
    cells_csv, tracks_xml, analysis_dir, report : Path
        ``OUT/cells.csv``, ``OUT/tracks.xml``, ``OUT/analysis/``, ``OUT/report.html``.
    voxel_size : tuple of float
        (z, y, x) in µm, as used.
    time_interval : float
        Seconds per frame, as used.
    stages : tuple of StageRun
        Each stage and whether it ran or was skipped.
    """

    out_dir: Path
    config_file: Path
    segmentation_dir: Path | None
    labels: Path
    cells_csv: Path
    tracks_xml: Path
    analysis_dir: Path
    report: Path
    voxel_size: tuple[float, float, float]
    time_interval: float
    stages: tuple[StageRun, ...]

    @property
    def ran(self) -> tuple[str, ...]:
        """The stages that ran this time."""
        return tuple(s.stage for s in self.stages if s.status == "ran")

    @property
    def skipped(self) -> tuple[str, ...]:
        """The stages skipped because nothing they depend on changed."""
        return tuple(s.stage for s in self.stages if s.status == "skipped")


# --- fingerprints ---------------------------------------------------------------------------


class _Hashes:
    """Content hashes of files, cached by (size, mtime) in ``OUT/.volltrack/hashes.json``."""

    def __init__(self, state: Path):
        self.path = state / "hashes.json"
        try:
            self.cache = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.cache = {}

    def file(self, path: Path) -> dict[str, Any]:
        path = Path(path).absolute()
        st = path.stat()
        key = str(path)
        hit = self.cache.get(key)
        if hit and hit["size"] == st.st_size and hit["mtime_ns"] == st.st_mtime_ns:
            digest = hit["sha256"]
        else:
            h = hashlib.sha256()
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 22), b""):
                    h.update(block)
            digest = h.hexdigest()
            self.cache[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
        return {"path": key, "size": st.st_size, "sha256": digest}

    def tree(self, folder: Path) -> dict[str, Any]:
        files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
        return {
            "path": str(Path(folder).absolute()),
            "files": {p.relative_to(folder).as_posix(): self.file(p)["sha256"] for p in files},
        }

    def save(self) -> None:
        from volltrack.io import write_text_atomic

        write_text_atomic(self.path, json.dumps(self.cache, indent=1, sort_keys=True) + "\n")


def _fingerprint(stage: str, settings: Any, inputs: Mapping[str, Any]) -> str:
    from volltrack._version import __version__

    blob = {"stage": stage, "settings": settings, "inputs": inputs, "volltrack": __version__}
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()


def _output_state(paths: Iterable[Path]) -> dict[str, list[int] | None]:
    out: dict[str, list[int] | None] = {}
    for p in paths:
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file())
            out[str(p)] = [len(files), sum(f.stat().st_size for f in files)]
        elif p.is_file():
            st = p.stat()
            out[str(p)] = [st.st_size, st.st_mtime_ns]
        else:
            out[str(p)] = None
    return out


class _State:
    def __init__(self, out: Path):
        self.dir = out / STATE_DIR
        self.dir.mkdir(parents=True, exist_ok=True)

    def read(self, stage: str) -> dict[str, Any] | None:
        try:
            return json.loads((self.dir / f"{stage}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write(self, stage: str, record: dict[str, Any]) -> None:
        from volltrack.io import write_text_atomic

        write_text_atomic(self.dir / f"{stage}.json", json.dumps(record, indent=2) + "\n")

    def clear(self, stage: str) -> None:
        (self.dir / f"{stage}.json").unlink(missing_ok=True)


# --- calibration ----------------------------------------------------------------------------


def _calibration(cfg: PipelineConfig) -> tuple[tuple[float, float, float], float]:
    from volltrack.io import read_image

    source = cfg.input.raw if cfg.input.raw is not None else cfg.input.labels
    assert source is not None  # InputConfig requires one
    if not Path(source).exists():
        key = "input.raw" if cfg.input.raw is not None else "input.labels"
        raise InputError(f"{source}: no such file ({key})")
    vs, dt = cfg.input.voxel_size, cfg.input.time_interval
    if vs is None or dt is None:
        if Path(source).suffix.lower() in (".tif", ".tiff"):
            image = read_image(source, memmap=True)
            vs = vs or image.voxel_size
            dt = dt or image.time_interval
        if vs is None:
            raise InputError(
                f"{source}: the movie has no voxel size calibration; set input.voxel_size "
                "= [z, y, x] (µm) in the pipeline file"
            )
    return tuple(float(v) for v in vs), float(dt or 1.0)  # type: ignore[return-value]


def _check_images(inp) -> None:
    """Every input TIFF is readable (header and size; the pixels are only mapped) and the label
    image holds integers: checked before the output folder is made, so that a bad input leaves
    nothing behind."""
    from volltrack.io import read_image

    for key in ("raw", "labels", "mask"):
        value = getattr(inp, key)
        if value is None or Path(value).suffix.lower() not in (".tif", ".tiff"):
            continue
        data = read_image(value, memmap=True).data
        if key == "labels" and (data.dtype == bool or not np.issubdtype(data.dtype, np.integer)):
            raise InputError(
                f"{value}: pixel type {data.dtype} (input.labels); expected an integer label "
                "image (float images are refused: convert the labels to integers first)"
            )


# --- the run --------------------------------------------------------------------------------


def run_pipeline(
    config: PipelineConfig | str | os.PathLike[str],
    *,
    force: Iterable[str] = (),
    scheduler: str | None = None,
    workers: int | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> PipelineResult:
    """Run the pipeline of a ``volltrack.toml`` file (or a :class:`PipelineConfig`).

    Parameters
    ----------
    config : PipelineConfig or path-like
        The settings, or the TOML file to read them from (:func:`volltrack.config.load_config`).
    force : iterable of str
        Stages to run again even when their fingerprint is unchanged (``"segment"``, ...).
    scheduler, workers : optional
        Override ``[execution]`` (where per-frame work runs; results do not depend on it).
    overwrite : bool
        Allow replacing files in the output folder that an earlier pipeline run did not write.
    progress : callable, optional
        ``progress(stage, done, total, message)``; ``total`` 0 for a message without a count.

    Returns
    -------
    PipelineResult

    Raises
    ------
    InputError
        Bad settings or inputs (before the stage that needs them writes anything).
    """
    if not isinstance(config, PipelineConfig):
        config = load_config(config)
    force = set(force)
    unknown = force - set(PIPELINE_STAGES)
    if unknown:
        raise InputError(
            f"force: unknown stage {sorted(unknown)[0]!r}; expected {', '.join(PIPELINE_STAGES)}"
        )
    ex = config.execution
    if scheduler is not None or workers is not None:
        from volltrack.config import ExecutionConfig

        ex = ExecutionConfig(
            scheduler=scheduler if scheduler is not None else ex.scheduler,
            workers=workers if workers is not None else ex.workers,
        )
    say: Progress = progress or (lambda stage, done, total, message: None)

    cfg = config
    inp = cfg.input
    for key in ("raw", "labels", "mask", "models"):
        value = getattr(inp, key)
        if value is not None and not Path(value).exists():
            raise InputError(f"{value}: no such file or folder (input.{key})")
    _check_images(inp)
    vs, dt = _calibration(cfg)
    out = Path(cfg.output.dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder (output.dir)")

    seg_dir = out / "segment"
    labels = Path(inp.labels) if inp.labels is not None else seg_dir / "labels.tif"
    cells_csv, tracks_xml = out / "cells.csv", out / "tracks.xml"
    analysis_dir, report = out / "analysis", out / "report.html"
    config_file = out / "volltrack.toml"
    outputs = {
        "segment": [seg_dir],
        "measure": [cells_csv],
        "track": [tracks_xml],
        "analyze": [analysis_dir],
        "report": [report],
    }
    # before anything is written: never replace files an earlier pipeline run did not write
    if not overwrite:
        for name, paths in outputs.items():
            if (out / STATE_DIR / f"{name}.json").is_file():
                continue
            for p in paths:
                if p.exists() and not (p.is_dir() and not any(p.iterdir())):
                    raise InputError(
                        f"{p}: already exists and was not written by volltrack run "
                        "(use --overwrite / overwrite=True to replace it)"
                    )
        if config_file.exists() and not (out / STATE_DIR).is_dir():
            raise InputError(
                f"{config_file}: already exists and was not written by volltrack run "
                "(use --overwrite / overwrite=True to replace it)"
            )
    out.mkdir(parents=True, exist_ok=True)
    state = _State(out)
    hashes = _Hashes(state.dir)
    save_config(cfg, config_file, overwrite=True)
    runs: list[StageRun] = []

    def stage(name: str, settings: Any, inputs: Mapping[str, Any], work: Callable[[bool], None]):
        fp = _fingerprint(name, settings, inputs)
        record = state.read(name)
        done = (
            record is not None
            and record.get("status") == "done"
            and record.get("fingerprint") == fp
            and record.get("outputs") == _output_state(outputs[name])
        )
        if done and name not in force:
            say(name, 1, 1, "unchanged, skipped")
            runs.append(StageRun(name, "skipped", 0.0, fp))
            return
        # resume only an interrupted run of the very same fingerprint
        resume = record is not None and record.get("fingerprint") == fp and name not in force
        state.write(name, {"status": "running", "fingerprint": fp})
        start = time.perf_counter()
        work(resume)
        seconds = time.perf_counter() - start
        say(name, 1, 1, "done")
        state.write(
            name,
            {
                "status": "done",
                "fingerprint": fp,
                "seconds": round(seconds, 3),
                "settings": settings,
                "inputs": inputs,
                "outputs": _output_state(outputs[name]),
            },
        )
        runs.append(StageRun(name, "ran", seconds, fp))

    # --- segment (with N2V denoising when the bundle has it and segment.use_n2v) ---
    if inp.labels is None:
        from volltrack.segmentation import segment_movie, shipped_models_path

        models_path = Path(inp.models) if inp.models is not None else shipped_models_path()
        seg_settings = cfg.segment
        if seg_settings.voxel_size is None:
            seg_settings = seg_settings.model_copy(update={"voxel_size": vs})

        def do_segment(resume: bool) -> None:
            say("segment", 0, 0, "loading the models")
            from volltrack.segmentation import load_models

            models = load_models(models_path)
            segment_movie(
                inp.raw,
                seg_dir,
                models,
                seg_settings,
                time_interval=dt,
                overwrite=not resume,
                progress=lambda d, n, _skipped: say("segment", d, n, "frames"),
                scheduler=ex.scheduler,
                n_workers=ex.workers,
            )

        stage(
            "segment",
            seg_settings.model_dump(mode="json"),
            {
                "raw": hashes.file(Path(inp.raw)),  # type: ignore[arg-type]
                "models": hashes.tree(models_path),
                "time_interval": dt,
            },
            do_segment,
        )
    else:
        runs.append(StageRun("segment", "not needed", 0.0, None))

    # --- measure ---
    m = cfg.measure
    raw_for_measure = inp.raw if (m.intensities and inp.raw is not None) else None
    mask_for_measure = inp.mask if (m.tissue and inp.mask is not None) else None

    def do_measure(_resume: bool) -> None:
        from volltrack.measure import measure_files

        measure_files(
            labels,
            raw_for_measure,
            mask_for_measure,
            voxel_size=vs,
            time_interval=dt,
            out=cells_csv,
            overwrite=True,
            n_workers=ex.workers,
            scheduler=ex.scheduler,
            progress=lambda d, n: say("measure", d, n, "frames"),
        )

    stage(
        "measure",
        {**m.model_dump(mode="json"), "voxel_size": vs, "time_interval": dt},
        {
            "labels": hashes.file(labels),
            "raw": None if raw_for_measure is None else hashes.file(Path(raw_for_measure)),
            "mask": None if mask_for_measure is None else hashes.file(Path(mask_for_measure)),
        },
        do_measure,
    )

    # --- track ---
    track_settings = cfg.track.to_dict(infinite_as_text=True)
    track_settings.pop("input", None)

    def do_track(_resume: bool) -> None:
        from volltrack.tracking import track

        say("track", 0, 0, "BTrackmate")
        track(
            cells_csv,
            cfg.track,
            out=tracks_xml,
            mask=inp.mask,
            overwrite=True,
            voxel_size_zyx=vs,
            frame_interval=dt,
            progress=lambda f, msg: say("track", round(100 * f), 100, msg),
        )

    stage(
        "track",
        {**track_settings, "voxel_size": vs, "time_interval": dt},
        {
            "cells": hashes.file(cells_csv),
            "mask": None if inp.mask is None else hashes.file(Path(inp.mask)),
        },
        do_track,
    )

    # --- analyze ---
    a = cfg.analyze
    fill: dict[str, Any] = {}
    if a.mask is None and inp.mask is not None:
        fill["mask"] = Path(inp.mask)
    if a.voxel_size is None:
        fill["voxel_size"] = vs
    if a.time_interval is None:
        fill["time_interval"] = dt
    a = a.model_copy(update=fill)

    def do_analyze(_resume: bool) -> None:
        from volltrack.analysis import analyze_tracks, write_analysis
        from volltrack.io import read_image

        mask = None
        if a.mask is not None:
            mask = _mask_tzyx(Path(a.mask), read_image(labels, memmap=True).data.shape[0])
        result = analyze_tracks(
            tracks_xml,
            a.model_copy(update={"mask": None}) if mask is not None else a,
            mask=mask,
            progress=lambda step: say("analyze", 0, 0, step),
        )
        write_analysis(result, analysis_dir, a, overwrite=True, source=str(tracks_xml))

    stage(
        "analyze",
        a.model_dump(mode="json"),
        {
            "tracks": hashes.file(tracks_xml),
            "mask": None if a.mask is None else hashes.file(Path(a.mask)),
            "raw": None if a.raw is None else hashes.file(Path(a.raw)),
        },
        do_analyze,
    )

    # --- report ---
    scores_path = out / SCORES_FILE

    def do_report(_resume: bool) -> None:
        from volltrack._report import write_report

        say("report", 0, 0, "figures")
        scores = None
        if scores_path.is_file():
            scores = json.loads(scores_path.read_text(encoding="utf-8"))
        write_report(
            report,
            tracks_xml=tracks_xml,
            cells_csv=cells_csv,
            config_text=config_file.read_text(encoding="utf-8"),
            scores=scores,
            stages=[
                StageRun(
                    r.stage,
                    r.status,
                    float((state.read(r.stage) or {}).get("seconds", r.seconds)),
                    r.fingerprint,
                )
                for r in runs
            ],
        )

    stage(
        "report",
        {"format": 1},
        {
            "tracks": hashes.file(tracks_xml),
            "cells": hashes.file(cells_csv),
            "config": hashes.file(config_file)["sha256"],
            "scores": hashes.file(scores_path) if scores_path.is_file() else None,
        },
        do_report,
    )
    hashes.save()
    return PipelineResult(
        out_dir=out,
        config_file=config_file,
        segmentation_dir=seg_dir if inp.labels is None else None,
        labels=labels,
        cells_csv=cells_csv,
        tracks_xml=tracks_xml,
        analysis_dir=analysis_dir,
        report=report,
        voxel_size=vs,
        time_interval=dt,
        stages=tuple(runs),
    )


def _mask_tzyx(path: Path, n_frames: int):
    """A tissue mask as TZYX (a ZYX mask serves every one of ``n_frames`` frames)."""
    import numpy as np

    from volltrack.io import read_image

    image = read_image(path, memmap=True)
    data = np.asarray(image.data)
    axes = image.axes.upper()
    if "C" in axes:
        raise InputError(f"{path}: tissue mask has channels (axes {image.axes}); expected ZYX/TZYX")
    if data.ndim == 3:
        return np.broadcast_to(data, (n_frames, *data.shape))
    if data.ndim == 4:
        return data
    raise InputError(f"{path}: tissue mask has shape {data.shape}; expected ZYX or TZYX")
