"""A seeded store served by a real uvicorn on loopback, for the dashboard's tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn

from ospo.service.app import create_app
from ospo.store import open_store

from .seed import seed


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Dashboard:
    url: str
    database_url: str


@pytest.fixture
def dashboard(any_store_url: str) -> Iterator[Dashboard]:
    store = open_store(any_store_url)
    seed(store)
    store.close()
    server = uvicorn.Server(
        uvicorn.Config(create_app(any_store_url), host="127.0.0.1", port=free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("service did not start")
        time.sleep(0.05)
    try:
        yield Dashboard(f"http://127.0.0.1:{server.config.port}", any_store_url)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
