"""A worker process's CPU per step of a page task (storage/step_cpu.py): load, extract, store. When
NEWSARCHIVE_STEP_CPU_DIR is set, each pool process writes its totals there as JSON when it exits, for
bench/e2e.py; otherwise they are only kept in memory."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from celery.signals import worker_process_shutdown

from storage.step_cpu import StepCpu

STEPS = StepCpu()
DIR_VARIABLE = "NEWSARCHIVE_STEP_CPU_DIR"


@worker_process_shutdown.connect
def write_totals(**_: Any) -> None:
    folder = os.environ.get(DIR_VARIABLE)
    if folder and STEPS.seconds:
        Path(folder, f"worker-{os.getpid()}.json").write_text(json.dumps(STEPS.snapshot()))
