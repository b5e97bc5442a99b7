"""Per-frame execution: every scheduler gives the serial result; a failed frame does not stop
the others and is reported by its index."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from volltrack._errors import InputError, VolltrackError
from volltrack._parallel import FrameFailures, FrameInputFailures, map_frames


def _frame_sum(t: int, movie: np.ndarray) -> float:
    return float(movie[t].sum() * (t + 1))


def _write_or_fail(t: int, folder: str, bad: tuple[int, ...], error: type) -> int:
    if t in bad:
        raise error(f"frame {t} is bad")
    Path(folder, f"frame{t}.done").write_text(str(t))
    return t * t


MOVIE = np.arange(6 * 4 * 5, dtype=np.float64).reshape(6, 4, 5) ** 1.5

SCHEDULERS = [
    pytest.param(None, None, id="serial"),
    pytest.param("synchronous", None, id="synchronous"),
    pytest.param("threads", 3, id="threads"),
    pytest.param("processes", 2, id="processes"),
    pytest.param("local", 2, id="dask-localcluster", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("scheduler", "n_workers"), SCHEDULERS)
def test_every_scheduler_gives_the_serial_result_in_frame_order(scheduler, n_workers):
    func = functools.partial(_frame_sum, movie=MOVIE)
    frames = [5, 0, 3, 1, 4, 2]
    calls = []
    got = map_frames(
        func,
        frames,
        scheduler=scheduler,
        n_workers=n_workers,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert got == [_frame_sum(t, MOVIE) for t in frames]
    assert calls == [(i, 6) for i in range(1, 7)]


@pytest.mark.parametrize(("scheduler", "n_workers"), SCHEDULERS)
def test_a_failed_frame_is_named_and_the_others_complete(tmp_path, scheduler, n_workers):
    func = functools.partial(_write_or_fail, folder=str(tmp_path), bad=(1, 4), error=RuntimeError)
    with pytest.raises(FrameFailures) as info:
        map_frames(func, range(6), scheduler=scheduler, n_workers=n_workers, what="segment x.tif")
    err = info.value
    assert not isinstance(err, InputError)  # a fault, not bad input
    assert sorted(err.failures) == [1, 4]
    assert err.results == {0: 0, 2: 4, 3: 9, 5: 25}
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"frame{t}.done" for t in (0, 2, 3, 5)]
    message = str(err)
    assert "\n" not in message
    assert message.startswith("segment x.tif: 2 of 6 frame(s) failed (frame 1, 4)")
    assert message.endswith("frame 1: frame 1 is bad")


def test_bad_input_in_frames_stays_an_input_error(tmp_path):
    func = functools.partial(_write_or_fail, folder=str(tmp_path), bad=(2,), error=InputError)
    with pytest.raises(FrameInputFailures) as info:
        map_frames(func, range(3))
    assert isinstance(info.value, InputError)
    assert isinstance(info.value, VolltrackError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheduler": "gpu"}, "scheduler must be one of synchronous, threads, processes, local"),
        ({"n_workers": 0}, "n_workers must be an integer >= 1, got 0"),
    ],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        map_frames(abs, range(2), **kwargs)


@pytest.mark.slow
def test_an_unreachable_cluster_is_a_clear_error():
    with pytest.raises(InputError, match=r"scheduler tcp://127\.0\.0\.1:9: cannot connect"):
        map_frames(abs, range(2), scheduler="tcp://127.0.0.1:9")
