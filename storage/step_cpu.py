"""CPU time spent in each step of a page's path, summed over the threads that ran it: archive, announce and
state in the crawler, load, extract and store in a worker. `bench/e2e.py` prints them per page, so the next
bottleneck inside a process is visible. A step's clock is `time.thread_time()`: the CPU of the thread that
ran the step, not the time it waited for a service or for the GIL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class StepCpu:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # steps run in several threads of the crawler's pool
        self.seconds: dict[str, float] = {}

    def add(self, step: str, seconds: float) -> None:
        with self._lock:
            self.seconds[step] = self.seconds.get(step, 0.0) + seconds

    @contextmanager
    def measure(self, step: str) -> Iterator[None]:
        started = time.thread_time()
        try:
            yield
        finally:
            self.add(step, time.thread_time() - started)

    def call(self, step: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self.measure(step):
            return fn(*args, **kwargs)

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            return dict(self.seconds)
