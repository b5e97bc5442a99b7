"""Atomic file writes: write to a temporary name in the target folder, then rename."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from volltrack._errors import InputError

__all__ = ["atomic_path", "replace_folder", "write_text_atomic"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds.

    The temporary file lives in the same folder, so the final :func:`os.replace` is atomic and
    a reader never sees a partly written file. On an exception the temporary file is removed and
    ``path`` is left as it was.

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
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=path.suffix or ".tmp", dir=path.parent
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


def replace_folder(new: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Put the complete folder ``new`` in place of ``target`` (a folder, a file, or nothing).

    ``new`` must be in the same folder as ``target`` (a hidden temporary folder made with
    :func:`tempfile.mkdtemp`). An existing ``target`` is first renamed into a hidden
    ``.NAME.old.*`` folder, then ``new`` is renamed onto ``target``, then the old one is deleted;
    so at every moment ``target`` is the whole old result, absent, or the whole new one, never a
    mixture, even when the process is killed.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    new, target = Path(new), Path(target)
    old = None
    if target.exists() or target.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / "previous")
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
