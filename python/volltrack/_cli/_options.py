"""Argument types shared by the CLI stages; their errors become one-line argparse errors."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator

__all__ = [
    "add_time_interval",
    "add_voxel_size",
    "flag_values",
    "int_at_least",
    "number",
    "progress_bar",
]


def number(text: str) -> float:
    """A float option."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An integer option whose value must be ``>= minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {value}")
        return value

    return parse


def add_voxel_size(parser: argparse.ArgumentParser, help_text: str) -> None:
    """Add ``--voxel-size Z Y X`` (three numbers) with the stage's own help."""
    parser.add_argument(
        "--voxel-size", type=number, nargs=3, metavar=("Z", "Y", "X"), help=help_text
    )


def add_time_interval(parser: argparse.ArgumentParser, help_text: str) -> None:
    """Add ``--time-interval S`` (seconds per frame) with the stage's own help."""
    parser.add_argument("--time-interval", type=number, metavar="S", help=help_text)


@contextlib.contextmanager
def progress_bar(label: str, *, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A transient rich bar ``LABEL ━━━ done/total elapsed``; yields ``update(done, total)``.

    With ``quiet`` nothing is shown and ``update`` does nothing, so a stage calls its work once
    either way.
    """
    if quiet:
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def flag_values(args: argparse.Namespace, fields: dict[str, str]) -> dict[str, object]:
    """``{settings field: value}`` for each flag of ``fields`` (flag dest -> field) that was given;
    a list value (``nargs``) becomes a tuple."""
    values: dict[str, object] = {}
    for option, field in fields.items():
        value = getattr(args, option, None)
        if value is not None:
            values[field] = tuple(value) if isinstance(value, list) else value
    return values
