"""Per-frame execution: serially, on local threads or processes, or on a dask cluster.

Every stage that works frame by frame (denoise, segment, measure) runs its frames through
:func:`map_frames`, so they share one meaning of ``scheduler`` and ``n_workers``, one progress
callback and one failure rule: a frame that raises is reported with its index, and every other
frame still runs to the end.

Schedulers
----------
``None``
    Serial in this process when ``n_workers`` is None or 1, else ``"threads"``.
``"synchronous"``
    Serial in this process (the name dask uses).
``"threads"``
    A thread pool of ``n_workers`` threads (NumPy, SciPy and TensorFlow release the GIL in
    their heavy parts).
``"processes"``
    A pool of ``n_workers`` processes; the frame function is sent to each process once.
``"local"``
    A ``dask.distributed.LocalCluster`` of ``n_workers`` single-threaded worker processes
    (default: one per CPU core), started for the call and closed after it.
``"tcp://HOST:PORT"`` (or any address ``dask.distributed.Client`` accepts)
    An existing dask cluster; it is left running.

The frame function must be picklable for ``"processes"`` and the dask schedulers (a
module-level function or a :func:`functools.partial` of one).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from volltrack._errors import InputError, VolltrackError

__all__ = ["SCHEDULERS", "FrameFailures", "FrameInputFailures", "check_scheduler", "map_frames"]

#: the scheduler names besides a cluster address
SCHEDULERS = ("synchronous", "threads", "processes", "local")


class FrameFailures(VolltrackError):
    """Some frames raised; every other frame completed.

    Attributes
    ----------
    failures : dict[int, BaseException]
        Frame index -> the exception it raised.
    results : dict[int, object]
        Frame index -> result of every frame that completed.
    """

    def __init__(self, failures: dict[int, BaseException], results: dict[int, Any], what: str):
        self.failures = dict(sorted(failures.items()))
        self.results = results
        first_frame, first = next(iter(self.failures.items()))
        frames = ", ".join(str(t) for t in self.failures)
        message = str(first).splitlines()[0] if str(first) else type(first).__name__
        super().__init__(
            f"{what}: {len(self.failures)} of {len(failures) + len(results)} frame(s) failed "
            f"(frame {frames}); the other frames completed; frame {first_frame}: {message}"
        )


class FrameInputFailures(FrameFailures, InputError):
    """Some frames raised, all of them :class:`InputError` (bad input rather than a fault)."""


def check_scheduler(scheduler: str | None, n_workers: int | None = None) -> None:
    """Raise :class:`InputError` unless ``scheduler`` and ``n_workers`` are usable."""
    if n_workers is not None and (isinstance(n_workers, bool) or int(n_workers) < 1):
        raise InputError(f"n_workers must be an integer >= 1, got {n_workers!r}")
    if scheduler is None or scheduler in SCHEDULERS or "://" in scheduler:
        return
    raise InputError(
        f"scheduler must be one of {', '.join(SCHEDULERS)} or a dask address such as "
        f"tcp://HOST:PORT, got {scheduler!r}"
    )


def map_frames(
    func: Callable[[int], Any],
    frames: Iterable[int],
    *,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    what: str = "frames",
) -> list[Any]:
    """Run ``func(t)`` for every frame ``t`` and return the results in the order of ``frames``.

    Parameters
    ----------
    func : callable
        ``func(t) -> result`` for one frame index.
    frames : iterable of int
        The frame indices to run.
    scheduler : str, optional
        Where to run (see the module documentation).
    n_workers : int, optional
        Threads, processes or dask workers (default: the number of CPU cores, or 1 when
        ``scheduler`` is None).
    progress : callable, optional
        Called as ``progress(frames_done, n_frames)`` after each frame, in this process.
    what : str
        What is being done, for the failure message (e.g. ``"measure labels.tif"``).

    Returns
    -------
    list
        ``[func(t) for t in frames]``, identical whatever the scheduler.

    Raises
    ------
    FrameFailures
        When any frame raised; it names the frames, carries every exception and every result
        that was computed, and is raised only after all the other frames have completed.
    InputError
        For an unknown scheduler or a bad ``n_workers``.
    """
    check_scheduler(scheduler, n_workers)
    frames = [int(t) for t in frames]
    if scheduler is None:
        scheduler = "synchronous" if n_workers in (None, 1) else "threads"
    workers = int(n_workers) if n_workers is not None else (os.cpu_count() or 1)
    results: dict[int, Any] = {}
    failures: dict[int, BaseException] = {}

    def finished(t: int, result: Any = None, error: BaseException | None = None) -> None:
        if error is None:
            results[t] = result
        else:
            failures[t] = error
        if progress is not None:
            progress(len(results) + len(failures), len(frames))

    if scheduler == "synchronous":
        for t in frames:
            try:
                result = func(t)
            except Exception as exc:
                finished(t, error=exc)
            else:
                finished(t, result)
    elif scheduler in ("threads", "processes"):
        _run_pool(func, frames, scheduler, workers, finished)
    else:
        _run_dask(func, frames, scheduler, n_workers, finished)
    if failures:
        bad_input = all(isinstance(e, InputError) for e in failures.values())
        raise (FrameInputFailures if bad_input else FrameFailures)(failures, results, what)
    return [results[t] for t in frames]


# a process pool's worker keeps the frame function here, so it is unpickled once per process
_POOL_FUNC: Callable[[int], Any] | None = None


def _set_pool_func(func: Callable[[int], Any]) -> None:
    global _POOL_FUNC
    _POOL_FUNC = func


def _call_pool_func(t: int) -> Any:
    if _POOL_FUNC is None:
        raise RuntimeError("process pool started without its frame function")
    return _POOL_FUNC(t)


def _run_pool(func, frames: Sequence[int], kind: str, workers: int, finished) -> None:
    import concurrent.futures as cf

    if kind == "threads":
        pool: cf.Executor = cf.ThreadPoolExecutor(max_workers=workers)
        submit = pool.submit
        futures = {submit(func, t): t for t in frames}
    else:
        import multiprocessing

        pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_set_pool_func,
            initargs=(func,),
        )
        futures = {pool.submit(_call_pool_func, t): t for t in frames}
    with pool:
        for future in cf.as_completed(futures):
            t = futures[future]
            error = future.exception()
            finished(t, None if error is not None else future.result(), error)


def _call_frame(func: Callable[[int], Any], t: int) -> Any:
    return func(t)


def _run_dask(func, frames: Sequence[int], scheduler: str, n_workers: int | None, finished):
    import logging

    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=n_workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="5s")
        except OSError as exc:
            raise InputError(f"scheduler {scheduler}: cannot connect ({exc})") from None
    try:
        remote = client.scatter(func, broadcast=True)
        futures = client.map(_call_frame, [remote] * len(frames), frames, pure=False)
        index = {future.key: t for future, t in zip(futures, frames, strict=True)}
        for future in as_completed(futures):
            t = index[future.key]
            if future.status == "error":
                finished(t, error=future.exception())
            else:
                finished(t, future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
