"""``volltrack train``: train StarDist-3D, the U-Net, N2V (and a ROI U-Net) into a model bundle."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from volltrack._cli._options import add_voxel_size, flag_values, int_at_least, number
from volltrack._errors import InputError
from volltrack._settings_file import read_settings_table

__all__ = ["add_arguments", "run"]

POSITIVE = int_at_least(1)
NON_NEGATIVE = int_at_least(0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``volltrack train``."""
    src = parser.add_argument_group("training data (either --raw/--labels or --recipe)")
    src.add_argument("--raw", metavar="DIR", help="folder of raw ZYX TIFFs")
    src.add_argument(
        "--labels", metavar="DIR", help="folder of instance-label ZYX TIFFs (paired by sorted name)"
    )
    src.add_argument(
        "--recipe",
        choices=["synthetic"],
        help="train on volltrack's synthetic membrane movies (fixed seeds; the shipped models)",
    )
    parser.add_argument("--out", metavar="BUNDLE", help="model bundle to write")
    parser.add_argument(
        "--calibrate",
        metavar="BUNDLE",
        help="train nothing: search the VollSeg thresholds of an existing bundle on validation "
        "data (--raw/--labels, or --recipe synthetic: its held-out movies) and store them in its "
        "manifest",
    )
    add_voxel_size(
        parser,
        "voxel size of the data in µm (required with --raw)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="TOML ([train] table) or JSON file of TrainSettings fields; options given here win",
    )
    parser.add_argument("--epochs", type=POSITIVE, metavar="N", help="epochs of every network")
    parser.add_argument("--stardist-epochs", type=POSITIVE, metavar="N", help="StarDist epochs")
    parser.add_argument("--unet-epochs", type=POSITIVE, metavar="N", help="U-Net epochs")
    parser.add_argument(
        "--n2v-epochs", type=NON_NEGATIVE, metavar="N", help="N2V epochs (0: no denoiser)"
    )
    parser.add_argument(
        "--roi-epochs", type=NON_NEGATIVE, metavar="N", help="tissue-ROI U-Net epochs (0: none)"
    )
    parser.add_argument("--steps-per-epoch", type=POSITIVE, metavar="N", help="batches per epoch")
    parser.add_argument("--batch-size", type=POSITIVE, metavar="N", help="batch size")
    parser.add_argument(
        "--patch-size", type=POSITIVE, nargs=3, metavar=("Z", "Y", "X"), help="patch in voxels"
    )
    parser.add_argument("--rays", type=POSITIVE, metavar="N", help="StarDist rays")
    parser.add_argument("--seed", type=NON_NEGATIVE, metavar="S", help="random seed")
    parser.add_argument(
        "--validation-fraction", type=number, metavar="F", help="fraction held out (0..1)"
    )
    parser.add_argument("--no-augment", action="store_true", help="no data augmentation")
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run of the same --out"
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an existing bundle")
    parser.add_argument("--quiet", action="store_true", help="no progress or summary")


_OPTION_FIELDS = {
    "voxel_size": "voxel_size",
    "stardist_epochs": "stardist_epochs",
    "unet_epochs": "unet_epochs",
    "n2v_epochs": "n2v_epochs",
    "roi_epochs": "roi_epochs",
    "steps_per_epoch": "steps_per_epoch",
    "batch_size": "batch_size",
    "patch_size": "patch_size",
    "rays": "n_rays",
    "seed": "seed",
    "validation_fraction": "validation_fraction",
}


def settings_from_args(args: argparse.Namespace) -> object:
    """The :class:`~volltrack.segmentation.TrainSettings` that ``args`` ask for."""
    from pydantic import ValidationError

    from volltrack.segmentation._train import TrainSettings, settings_error

    values: dict[str, object] = {}
    if args.config:
        values.update(read_settings_table(args.config, "train"))
    if args.epochs is not None:
        values.update(stardist_epochs=args.epochs, unet_epochs=args.epochs)
        for key in ("n2v_epochs", "roi_epochs"):
            if int(values.get(key, TrainSettings.model_fields[key].default) or 0) > 0:  # type: ignore[call-overload]
                values[key] = args.epochs
    values.update(flag_values(args, _OPTION_FIELDS))
    if args.no_augment:
        values["augment"] = False
    try:
        return TrainSettings(**values)
    except ValidationError as exc:
        raise settings_error(exc) from None
    except TypeError as exc:
        raise InputError(f"invalid training settings: {exc}") from None


def _calibrate(args: argparse.Namespace) -> int:
    import warnings

    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
    from volltrack.segmentation._models import read_manifest
    from volltrack.segmentation._thresholds import calibrate_models
    from volltrack.segmentation._train import calibrate_synthetic_recipe, load_training_data

    bundle = Path(args.calibrate)
    read_manifest(bundle)  # a missing or corrupt bundle fails before any data is made
    if args.recipe is None:
        data = load_training_data(args.raw, args.labels)
    if args.quiet:
        progress = None
    else:
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("searching thresholds", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

    try:
        if args.recipe is None:
            section = calibrate_models(
                bundle, data.raw, data.labels, names=data.names, progress=progress
            )
        else:
            section = calibrate_synthetic_recipe(bundle, progress=progress)
    finally:
        if progress is not None:
            bar.stop()
    if not args.quiet:
        print(
            f"calibrated {bundle}: prob_thresh {section.prob_thresh:g}, nms_thresh "
            f"{section.nms_thresh:g}, unet_threshold {section.unet_threshold:g}: "
            f"AP@{section.tau:g} {section.ap:.3f} (uncalibrated {section.ap_uncalibrated:.3f}) "
            f"on {len(section.volumes)} volumes, {section.n_true_objects} cells"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    """Train and write the bundle (or calibrate one); return 0."""
    if args.recipe is None and (args.raw is None or args.labels is None):
        raise InputError("give --raw DIR and --labels DIR, or --recipe synthetic")
    if args.recipe is not None and (args.raw is not None or args.labels is not None):
        raise InputError("--recipe cannot be combined with --raw/--labels")
    if (args.out is None) == (args.calibrate is None):
        raise InputError("give either --out BUNDLE (train) or --calibrate BUNDLE")
    if args.calibrate is not None:
        return _calibrate(args)
    out = Path(args.out)
    if out.exists() and not args.overwrite:
        raise InputError(f"{out}: already exists (use --overwrite to replace it)")
    settings = settings_from_args(args)
    if args.recipe is None and settings.voxel_size is None:  # type: ignore[attr-defined]
        raise InputError("--voxel-size Z Y X (µm) is required with --raw/--labels")

    import warnings

    # csbdeep imports pkg_resources; its deprecation notice is not for our users
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
    from volltrack.segmentation._train import (
        load_training_data,
        train_models,
        train_synthetic_recipe,
    )

    data = None
    if args.recipe is None:
        data = load_training_data(args.raw, args.labels)
    members = ["unet", "stardist"]
    members += ["n2v"] if settings.n2v_epochs > 0 else []  # type: ignore[attr-defined]
    members += ["roi"] if settings.roi_epochs > 0 else []  # type: ignore[attr-defined]
    kwargs = {"overwrite": args.overwrite, "resume": args.resume, "quiet": True}

    def train(on_member: object = None) -> Path:
        if data is None:
            return train_synthetic_recipe(out, settings, on_member=on_member, **kwargs)
        return train_models(data, out, settings, on_member=on_member, **kwargs)

    if args.quiet:
        train()
        return 0
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} networks"),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(f"training {members[0]}", total=len(members))
        finished: list[str] = []

        def on_member(name: str) -> None:
            finished.append(name)
            rest = [m for m in members if m not in finished]
            bar.update(
                task,
                completed=len(finished),
                description=f"training {rest[0]}" if rest else "scoring",
            )

        train(on_member)
    manifest = json.loads((out / "volltrack-models.json").read_text(encoding="utf-8"))
    val = manifest["training"]["validation"]
    cal = manifest.get("vollseg")
    line = (
        f"wrote {out}: StarDist AP@0.5 {val['validation']['stardist_ap50']:.3f}, "
        f"U-Net CC AP@0.5 {val['validation']['unet_cc_ap50']:.3f} on "
        f"{val['validation']['n_images']} validation volumes"
    )
    if "held_out" in val:
        line += (
            f"; held out: StarDist {val['held_out']['stardist_ap50']:.3f}, "
            f"U-Net CC {val['held_out']['unet_cc_ap50']:.3f}"
        )
    if cal is not None:
        line += f"; VollSeg calibrated AP@0.5 {cal['ap']:.3f}"
    print(line)
    return 0
