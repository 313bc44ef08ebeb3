"""Calls to a service made close together, gathered into one: each caller awaits its own result, the
service sees one call (one transaction, one round trip) per batch. A batch goes out when it holds
`max_size` calls or `max_delay` seconds after its first call, whichever comes first, through the outage
gate (scrapy_project/outage.py), so a batch waits out an outage as a single call did."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from scrapy_project.outage import ServiceGate

A = TypeVar("A")
R = TypeVar("R")


class Batcher(Generic[A, R]):
    def __init__(
        self,
        gate: ServiceGate,
        service: str,
        run: Callable[[list[A]], Sequence[R]],
        max_size: int,
        max_delay: float,
        clock: Any = None,
    ) -> None:
        self.gate = gate
        self.service = service
        self.run = run  # called in the thread pool with the batch; returns one result per call, in order
        self.max_size = max_size
        self.max_delay = max_delay
        self.clock = clock  # what schedules the timer (IReactorTime): the reactor unless a test gives one
        self.pending: list[tuple[A, Deferred[R]]] = []
        self.timer: Any = None

    async def submit(self, arg: A) -> R:
        waiter: Deferred[R] = Deferred()
        self.pending.append((arg, waiter))
        if len(self.pending) >= self.max_size:
            self.flush()
        elif self.timer is None:
            if self.clock is None:
                from twisted.internet import reactor  # here: importing it installs one, Scrapy chooses which

                self.clock = reactor
            self.timer = self.clock.callLater(self.max_delay, self.flush)
        return await maybe_deferred_to_future(waiter)

    def flush(self) -> None:
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None
        batch, self.pending = self.pending, []
        if batch:
            deferred_from_coro(self._send(batch))

    async def _send(self, batch: list[tuple[A, Deferred[R]]]) -> None:
        try:
            results = await self.gate.call(self.service, self.run, [arg for arg, _ in batch])
        except Exception as exc:  # every caller of the batch gets what a single call would have raised
            failure = Failure(exc)
            for _, waiter in batch:
                waiter.errback(failure)
            return
        for (_, waiter), result in zip(batch, results, strict=True):
            waiter.callback(result)
