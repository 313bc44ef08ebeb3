"""Calls gathered into batches (scrapy_project/batch.py), driven without a reactor (Twisted's Clock for the
timer, Deferreds awaited directly instead of through asyncio): a batch that fills up goes out at once, a
partial one when its timer fires, each caller gets its own result, an error reaches every caller of its
batch. The crawl tests run it in a real crawl."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from twisted.internet import defer
from twisted.internet.task import Clock

from scrapy_project import batch
from scrapy_project.batch import Batcher


@pytest.fixture(autouse=True)
def no_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "maybe_deferred_to_future", lambda d: d)
    monkeypatch.setattr(batch, "deferred_from_coro", defer.ensureDeferred)


class Gate:
    """The outage gate's interface, calling straight through (no thread, no retries)."""

    def __init__(self) -> None:
        self.calls: list[list[Any]] = []

    async def call(self, service: str, fn: Callable[..., Any], *args: Any) -> Any:
        self.calls.append(list(args[0]))
        return fn(*args)


def submit_all(batcher: Batcher[Any, Any], args: list[Any]) -> list[defer.Deferred[Any]]:
    return [defer.ensureDeferred(batcher.submit(arg)) for arg in args]


def test_a_full_batch_goes_out_as_one_call_and_each_caller_gets_its_result() -> None:
    gate = Gate()
    batcher: Batcher[int, int] = Batcher(
        gate, "database", lambda xs: [x * 10 for x in xs], max_size=3, max_delay=60, clock=Clock()
    )  # type: ignore[arg-type]
    results: list[int] = []
    for waiter in submit_all(batcher, [1, 2, 3, 4, 5, 6]):
        waiter.addCallback(results.append)
    assert gate.calls == [[1, 2, 3], [4, 5, 6]]
    assert results == [10, 20, 30, 40, 50, 60]


def test_a_partial_batch_goes_out_when_its_timer_fires() -> None:
    clock, gate = Clock(), Gate()
    batcher: Batcher[str, str] = Batcher(
        gate,  # type: ignore[arg-type]
        "database",
        lambda xs: [x.upper() for x in xs],
        max_size=10,
        max_delay=0.2,
        clock=clock,
    )
    results: list[str] = []
    for waiter in submit_all(batcher, ["a", "b"]):
        waiter.addCallback(results.append)
    assert gate.calls == [] and len(clock.getDelayedCalls()) == 1  # one timer for the batch
    clock.advance(0.2)
    assert gate.calls == [["a", "b"]] and results == ["A", "B"] and not clock.getDelayedCalls()


def test_an_error_reaches_every_caller_of_the_batch() -> None:
    def refuse(xs: list[int]) -> list[int]:
        raise RuntimeError("refused")

    batcher: Batcher[int, int] = Batcher(Gate(), "broker", refuse, max_size=2, max_delay=60, clock=Clock())  # type: ignore[arg-type]
    errors: list[str] = []
    for waiter in submit_all(batcher, [1, 2]):
        waiter.addErrback(lambda failure: errors.append(failure.getErrorMessage()))
    assert errors == ["refused", "refused"]
