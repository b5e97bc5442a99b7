"""Where the BTrackmate jar and ImageJ 1 live, so that volltrack can start a JVM without Fiji.

Looked up in this order:

1. the folder named by the ``VOLLTRACK_JARS`` environment variable;
2. ``volltrack/jars/`` inside the installed package — a wheel built with ``make wheel`` carries
   ``BTrackmate_-<version>.jar`` there and ``ij-<version>.jar`` in ``jars/lib/`` (where the jar's
   manifest ``Class-Path`` points, so ``java -jar`` works too) as package data, and
   ``make setup`` copies them there in a checkout;
3. the Maven build folder of a checkout, ``java/btrackmate/target/`` (jar) and
   ``target/lib/`` (ImageJ 1).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from volltrack._errors import VolltrackError

__all__ = ["BTrackmateJars", "find_jars"]

_PACKAGE_JARS = Path(__file__).resolve().parent / "jars"
_CHECKOUT_TARGET = Path(__file__).resolve().parents[2] / "java" / "btrackmate" / "target"


@dataclass(frozen=True)
class BTrackmateJars:
    """The jars a JVM needs to run BTrackmate outside Fiji."""

    btrackmate: Path
    imagej1: Path

    @property
    def classpath(self) -> list[Path]:
        """Class path entries, BTrackmate first."""
        return [self.btrackmate, self.imagej1]


def _pick(folder: Path, pattern: str) -> Path | None:
    found = sorted(p for p in folder.glob(pattern) if not p.name.startswith("original-"))
    return found[-1] if found else None


def _look_in(jar_folder: Path, lib_folder: Path) -> BTrackmateJars | None:
    jar = _pick(jar_folder, "BTrackmate_-*.jar")
    ij = _pick(lib_folder, "ij-*.jar")
    if jar is None or ij is None:
        return None
    return BTrackmateJars(btrackmate=jar, imagej1=ij)


def find_jars() -> BTrackmateJars:
    """Locate the BTrackmate and ImageJ 1 jars (see the module docstring for the search order).

    Raises
    ------
    VolltrackError
        When no folder holds both jars; the message says how to build them.
    """
    env = os.environ.get("VOLLTRACK_JARS")
    if env:
        found = _look_in(Path(env), Path(env)) or _look_in(Path(env), Path(env) / "lib")
        if found is None:
            raise VolltrackError(
                f"VOLLTRACK_JARS={env}: expected BTrackmate_-*.jar and ij-*.jar (there or in lib/)"
            )
        return found
    for jar_folder, lib_folder in (
        (_PACKAGE_JARS, _PACKAGE_JARS / "lib"),
        (_CHECKOUT_TARGET, _CHECKOUT_TARGET / "lib"),
    ):
        found = _look_in(jar_folder, lib_folder)
        if found is not None:
            return found
    raise VolltrackError(
        f"BTrackmate jar not found in {_PACKAGE_JARS} or {_CHECKOUT_TARGET}: run `make setup` in a "
        "checkout, install a wheel built with `make wheel`, or set VOLLTRACK_JARS"
    )
