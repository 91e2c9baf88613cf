"""Every queue a task is routed to is consumed by the worker the Makefile and the Docker image
start (a task on a queue nobody reads would wait forever)."""

from __future__ import annotations

import re
from pathlib import Path

from backend.core import celery_app

ROOT = Path(__file__).resolve().parents[3]


def test_workers_consume_every_queue():
    queues = {value for name, value in vars(celery_app).items() if name.startswith("QUEUE_")}
    assert "notifications" in queues
    make = re.search(r"worker -Q ([\w,]+)", (ROOT / "Makefile").read_text())[1]
    docker = re.search(r"--queues ([\w,]+)", (ROOT / "docker" / "entrypoint.sh").read_text())[1]
    assert queues <= set(make.split(","))
    assert queues <= set(docker.split(","))
