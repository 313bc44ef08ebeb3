"""The per-step CPU clock that bench/e2e.py reads."""

from __future__ import annotations

import threading

from storage.step_cpu import StepCpu


def _spin(rounds: int) -> int:
    return sum(i * i for i in range(rounds))


def test_steps_add_up_the_cpu_of_every_thread_that_ran_them() -> None:
    steps = StepCpu()
    threads = [threading.Thread(target=steps.call, args=("archive", _spin, 300_000)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with steps.measure("state"):
        pass
    seconds = steps.snapshot()
    assert set(seconds) == {"archive", "state"}
    assert seconds["archive"] > 0.01 and seconds["archive"] > 100 * seconds["state"]


def test_a_step_that_raises_is_still_counted() -> None:
    steps = StepCpu()
    try:
        with steps.measure("extract"):
            _spin(100_000)
            raise ValueError("bad page")
    except ValueError:
        pass
    assert steps.snapshot()["extract"] > 0
