"""Atomic file writes: write to a temporary name in the target folder, then rename."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from volltrack._errors import InputError

__all__ = ["atomic_path", "replace_folder", "temporary_folder", "write_text_atomic"]


def _tmp_prefix(target: Path) -> str:
    """The name start of this process's temporary files for ``target``: ``.NAME.tmp-PID-``."""
    return f".{target.name}.tmp-{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def _remove_stale(target: Path) -> None:
    """Remove the temporary files and folders left beside ``target`` by a killed process.

    They are named ``.NAME.tmp-PID-…`` (and ``.NAME.old.…`` by :func:`replace_folder`); those of a
    process that no longer runs are deleted, those of a running one (another writer) are kept.
    """
    with contextlib.suppress(OSError):
        for entry in target.parent.glob(f".{glob.escape(target.name)}.tmp-*-*"):
            pid = entry.name[len(target.name) + 6 :].split("-", 1)[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        entry.unlink()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds.

    The temporary file lives in the same folder, so the final :func:`os.replace` is atomic and
    a reader never sees a partly written file. On an exception the temporary file is removed and
    ``path`` is left as it was; temporary files that a killed process left for ``path`` are
    removed first.

    Parameters
    ----------
    path : path-like
        The final file name; its folder must exist.

    Raises
    ------
    InputError
        If ``path`` is a folder or its folder does not exist.

    Yields
    ------
    pathlib.Path
        The temporary path to write to (it keeps the suffix of ``path``).
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected a file name to write")
    if not path.parent.is_dir():
        raise InputError(f"{path}: the folder {path.parent} does not exist")
    _remove_stale(path)
    fd, tmp = tempfile.mkstemp(
        prefix=_tmp_prefix(path), suffix=path.suffix or ".tmp", dir=path.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def temporary_folder(target: str | os.PathLike[str]) -> Path:
    """A new hidden folder beside ``target`` to build a result in, for :func:`replace_folder`.

    Folders that a killed process left for ``target`` are removed first.
    """
    target = Path(target)
    _remove_stale(target)
    return Path(tempfile.mkdtemp(prefix=_tmp_prefix(target), dir=target.parent))


def replace_folder(new: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Put the complete folder ``new`` in place of ``target`` (a folder, a file, or nothing).

    ``new`` must be in the same folder as ``target`` (made by :func:`temporary_folder`). An
    existing ``target`` is first renamed into a hidden temporary folder, then ``new`` is renamed
    onto ``target``, then the old one is deleted; so at every moment ``target`` is the whole old
    result, absent, or the whole new one, never a mixture, even when the process is killed.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    new, target = Path(new), Path(target)
    old = None
    if target.exists() or target.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=_tmp_prefix(target), dir=target.parent))
        os.replace(target, old / "previous")
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
