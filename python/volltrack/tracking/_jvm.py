"""One JVM per Python process, started on first use, running BTrackmate in process.

Two ways to get BTrackmate's classes:

* the project's own jars (:func:`volltrack._jars.find_jars`: ``$VOLLTRACK_JARS``, the jars inside
  an installed wheel, or a checkout's Maven build), started through scyjava/JPype — no Fiji needed;
* a user's Fiji (``fiji=PATH`` or ``$FIJI_DIR``), started through PyImageJ
  (``imagej.init(PATH, mode="headless")``); BTrackmate's jar is added to the class path unless the
  Fiji already has one in ``plugins/`` or ``jars/``.

scyjava is told never to download a JDK or Maven artifacts (``fetch="never"``): Java comes from
``JAVA_HOME`` or the system. JPype shuts the JVM down when Python exits; BTrackmate's worker
threads are daemon threads and its pools are shut down after every run, so exit does not wait.
A process can start only one JVM, and its class path is fixed once started.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from volltrack._errors import VolltrackError

__all__ = ["JvmInfo", "jvm_info", "start_jvm"]

_BTRACKMATE_CLASS = "org.volltrack.btrackmate.BTrackmate"
_lock = threading.Lock()
_info: JvmInfo | None = None


@dataclass(frozen=True)
class JvmInfo:
    """How this process's JVM was started.

    Attributes
    ----------
    mode
        ``"jars"`` (scyjava with the project's jars), ``"fiji"`` (PyImageJ with a Fiji) or
        ``"external"`` (started by someone else, e.g. the caller's own ``imagej.init``).
    fiji
        The Fiji folder in ``"fiji"`` mode, else None.
    classpath
        The jars volltrack added to the class path (empty when ``"external"``).
    java_version
        ``System.getProperty("java.version")``.
    """

    mode: str
    fiji: Path | None
    classpath: tuple[Path, ...]
    java_version: str


def jvm_info() -> JvmInfo | None:
    """How the JVM was started, or None when volltrack has not used it yet."""
    return _info


def _need_scyjava():
    try:
        import scyjava
    except ImportError:
        raise VolltrackError(
            "in-process tracking needs scyjava and JPype: pip install 'volltrack[fiji]' "
            "(or track in a child JVM: subprocess=True, `volltrack track --subprocess`)"
        ) from None
    return scyjava


def fiji_folder(fiji: str | os.PathLike | None) -> Path | None:
    """The Fiji folder to use: ``fiji``, else ``$FIJI_DIR``, else None; checked to exist.

    Raises
    ------
    VolltrackError
        When the folder does not exist or holds no ``jars/`` folder.
    """
    if fiji is None:
        fiji = os.environ.get("FIJI_DIR") or None
        origin = "FIJI_DIR"
    else:
        origin = "fiji"
    if fiji is None:
        return None
    path = Path(fiji).expanduser()
    if not path.is_dir():
        raise VolltrackError(f"{origin}={path}: Fiji folder not found; expected Fiji.app")
    if not (path / "jars").is_dir():
        raise VolltrackError(
            f"{origin}={path}: not a Fiji installation (no jars/ folder); expected Fiji.app"
        )
    return path


def _fiji_has_btrackmate(fiji: Path) -> bool:
    return any(
        p.name.startswith("BTrackmate_-")
        for folder in (fiji / "plugins", fiji / "jars")
        if folder.is_dir()
        for p in folder.iterdir()
    )


def start_jvm(fiji: str | os.PathLike | None = None, *, heap: str | None = None) -> JvmInfo:
    """Start the JVM with BTrackmate on its class path, or return the one already running.

    Parameters
    ----------
    fiji
        A Fiji folder (``Fiji.app``) to start through PyImageJ; default ``$FIJI_DIR``; when
        neither is set, the project's jars are used through scyjava.
    heap
        Maximum Java heap, e.g. ``"4g"`` (only when this call starts the JVM).

    Returns
    -------
    JvmInfo
        How the JVM was started.

    Raises
    ------
    VolltrackError
        The Fiji folder does not exist, the jars are not found, scyjava is not installed, the
        running JVM was started another way than asked (a process has one JVM), or BTrackmate's
        classes are not on a JVM started by someone else.
    """
    global _info
    folder = fiji_folder(fiji)
    with _lock:
        if _info is not None:
            if folder is not None and _info.fiji != folder:
                raise VolltrackError(
                    f"fiji={folder}: the JVM of this process already runs "
                    + (f"Fiji {_info.fiji}" if _info.fiji else "with volltrack's own jars")
                    + "; a process can start only one JVM (start a new Python process)"
                )
            return _info
        scyjava = _need_scyjava()
        if scyjava.jvm_started():
            _info = _adopt_running_jvm(scyjava)
            return _info
        scyjava.config.set_java_constraints(fetch="never")
        scyjava.config.add_option("-Djava.awt.headless=true")
        if heap is not None:
            scyjava.config.add_option(f"-Xmx{heap}")
        added: list[Path] = []
        if folder is None:
            from volltrack._jars import find_jars

            added = list(find_jars().classpath)
        elif not _fiji_has_btrackmate(folder):
            from volltrack._jars import find_jars

            added = [find_jars().btrackmate]  # ImageJ 1 comes with Fiji
        for jar in added:
            scyjava.config.add_classpath(str(jar))
        if folder is None:
            scyjava.start_jvm()
        else:
            try:
                import imagej
            except ImportError:
                raise VolltrackError(
                    "tracking in a Fiji needs PyImageJ: pip install 'volltrack[fiji]'"
                ) from None
            imagej.init(str(folder), mode="headless")
        _check_btrackmate(scyjava, "the JVM started by volltrack")
        _info = JvmInfo(
            mode="jars" if folder is None else "fiji",
            fiji=folder,
            classpath=tuple(added),
            java_version=str(scyjava.jimport("java.lang.System").getProperty("java.version")),
        )
        return _info


def _check_btrackmate(scyjava, what: str) -> None:
    try:
        scyjava.jimport(_BTRACKMATE_CLASS)
    except Exception:
        raise VolltrackError(
            f"{what} has no BTrackmate classes ({_BTRACKMATE_CLASS}); put BTrackmate_-*.jar in "
            "Fiji.app/plugins/ or let volltrack start the JVM"
        ) from None


def _adopt_running_jvm(scyjava) -> JvmInfo:
    """A JVM started before volltrack asked (e.g. by the caller's ``imagej.init``)."""
    _check_btrackmate(scyjava, "the running JVM (started outside volltrack)")
    return JvmInfo(
        mode="external",
        fiji=None,
        classpath=(),
        java_version=str(scyjava.jimport("java.lang.System").getProperty("java.version")),
    )
