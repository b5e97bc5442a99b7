"""Run BTrackmate's command line (``org.volltrack.btrackmate.cli.Main``) in a child JVM."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from volltrack._errors import VolltrackError
from volltrack._jars import find_jars
from volltrack.tracking._settings import TrackingError

__all__ = ["TrackingError", "java_executable", "run_btrackmate"]

MAIN_CLASS = "org.volltrack.btrackmate.cli.Main"


def java_executable() -> str:
    """``$JAVA_HOME/bin/java`` when set, else ``java`` on the PATH.

    Raises
    ------
    VolltrackError
        When neither exists.
    """
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise VolltrackError("no Java runtime: install Java 8 or newer, or set JAVA_HOME")
    return found


def run_btrackmate(
    args: Sequence[str], *, heap: str | None = None, timeout: float | None = None
) -> str:
    """Run ``btrackmate ARGS`` (the options of ``java -jar btrackmate.jar --help``).

    Parameters
    ----------
    args
        Command-line arguments, e.g. ``["--labels", "labels.tif", "--out", "tracks.xml"]``.
    heap
        Maximum Java heap, e.g. ``"2g"``; the JVM's default when None.
    timeout
        Seconds before the child is killed.

    Returns
    -------
    str
        What BTrackmate printed on standard output.

    Raises
    ------
    TrackingError
        Bad input (BTrackmate's exit status 2), with BTrackmate's one-line message.
    RuntimeError
        An internal error in BTrackmate (exit status 1), with its standard error.
    """
    cmd = [java_executable()]
    if heap is not None:
        cmd.append(f"-Xmx{heap}")
    cmd += ["-cp", os.pathsep.join(str(p) for p in find_jars().classpath), MAIN_CLASS, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode == 2:
        lines = proc.stderr.strip().splitlines()
        message = lines[-1] if lines else "bad input"
        raise TrackingError(message.removeprefix("btrackmate: error: "))
    if proc.returncode != 0:
        raise RuntimeError(f"BTrackmate failed with status {proc.returncode}:\n{proc.stderr}")
    return proc.stdout
