"""Movies of the viewer through napari-animation: mp4 (imageio-ffmpeg), GIF as the fallback."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from volltrack._errors import InputError

__all__ = ["MOVIE_SUFFIXES", "export_movie"]

#: Suffixes written through ffmpeg (imageio-ffmpeg); ``.gif`` is written by imageio itself.
MOVIE_SUFFIXES = (".mp4", ".mov", ".avi", ".mkv")


def _ffmpeg_available() -> bool:
    try:
        import imageio_ffmpeg

        return Path(imageio_ffmpeg.get_ffmpeg_exe()).is_file()
    except (ImportError, RuntimeError):
        return False


@contextmanager
def _quiet_animation():
    """napari-animation 0.0.10 still reads ``viewer.camera``, deprecated in napari 0.9."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "viewer.camera is a deprecated", DeprecationWarning)
        yield


def _fit(image, shape):
    """Crop or zero-pad a frame to ``shape`` (the canvas may resize while a movie renders)."""
    import numpy as np

    if image.shape == shape:
        return image
    out = np.zeros(shape, dtype=image.dtype)
    h, w = min(shape[0], image.shape[0]), min(shape[1], image.shape[1])
    out[:h, :w] = image[:h, :w, : shape[2]]
    return out


def export_movie(
    viewer,
    path: str | os.PathLike[str],
    *,
    start: int | None = None,
    end: int | None = None,
    fps: int = 10,
    axis: int = 0,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Render the viewer's canvas at each frame from ``start`` to ``end`` into a movie.

    Two napari-animation key frames (time at ``start`` and at ``end``, everything else as it is
    now: camera, 2D/3D, layers) are interpolated one time step per movie frame, so the movie
    has ``end - start + 1`` frames. The file is written under a temporary name and renamed.

    Parameters
    ----------
    viewer : napari.Viewer
        A viewer with a canvas (Qt), shown or not.
    path : path-like
        ``.mp4`` (also ``.mov``, ``.avi``, ``.mkv``) through imageio-ffmpeg, or ``.gif``. When
        ffmpeg is not available, the movie is written as a GIF next to ``path`` (with a
        warning) and that path is returned.
    start, end : int, optional
        First and last frame (default: the whole time axis).
    fps : int
        Frames per second of the movie.
    axis : int
        The time axis of the viewer's dims.
    overwrite : bool
        Replace an existing file.
    progress : callable, optional
        Called as ``progress(frames_done, n_frames)`` after each frame.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        Unknown suffix, an existing file without ``overwrite``, ``start``/``end`` outside the
        time axis or ``start > end``, ``fps`` < 1.
    """
    import imageio
    from napari_animation import Animation
    from napari_animation.frame_sequence import FrameSequence

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (*MOVIE_SUFFIXES, ".gif"):
        raise InputError(
            f"{path}: movie suffix {path.suffix!r} not supported "
            f"(expected one of {[*MOVIE_SUFFIXES, '.gif']})"
        )
    if suffix != ".gif" and not _ffmpeg_available():
        warnings.warn(
            f"{path}: ffmpeg (imageio-ffmpeg) is not available; writing a GIF instead",
            stacklevel=2,
        )
        path, suffix = path.with_suffix(".gif"), ".gif"
    if path.exists() and not overwrite:
        raise InputError(f"{path}: already exists (overwrite it explicitly)")
    if fps < 1:
        raise InputError(f"{path}: fps must be at least 1, got {fps}")
    n_steps = int(viewer.dims.nsteps[axis])
    start = 0 if start is None else int(start)
    end = n_steps - 1 if end is None else int(end)
    if not 0 <= start <= end < n_steps:
        raise InputError(
            f"{path}: frames {start}..{end} are not inside the time axis 0..{n_steps - 1}"
        )

    saved = viewer.dims.current_step
    with _quiet_animation():
        animation = Animation(viewer)
        viewer.dims.set_current_step(axis, start)
        animation.capture_keyframe(steps=1)
        viewer.dims.set_current_step(axis, end)
        animation.capture_keyframe(steps=max(end - start, 1))
    frames = FrameSequence(animation.key_frames)
    n_frames = end - start + 1
    tmp = path.with_name(f".{path.stem}.partial{suffix}")
    if suffix == ".gif":
        writer = imageio.get_writer(tmp, mode="I", duration=1000.0 / fps, loop=0)
    else:
        writer = imageio.get_writer(
            tmp, fps=fps, quality=7, macro_block_size=1, ffmpeg_log_level="error"
        )
    try:
        with writer, _quiet_animation():
            shape = None
            for i, image in enumerate(frames.iter_frames(viewer, True, None)):
                if i >= n_frames:  # one key frame each end when start == end
                    break
                image = image[..., :3]
                if shape is None:  # even sides: what H.264 (yuv420p) needs
                    shape = (image.shape[0] // 2 * 2, image.shape[1] // 2 * 2, 3)
                    if min(shape[:2]) < 2:
                        raise InputError(
                            f"{path}: the viewer's canvas is {image.shape[1]}×{image.shape[0]} "
                            "pixels; show the viewer (and make its canvas visible) first"
                        )
                writer.append_data(_fit(image, shape))
                if progress is not None:
                    progress(i + 1, n_frames)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        viewer.dims.current_step = saved
    return path
