"""A real ospo service on loopback (uvicorn in a thread) over a real store."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from ospo.service.app import create_app
from ospo.store import open_store
from ospo.store.accounts import add_user, create_token

PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    url: str
    tokens: dict[str, str]  # role -> bearer token
    database_url: str

    def client(self, role: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


@pytest.fixture
def service(any_store_url: str) -> Iterator[Service]:
    store = open_store(any_store_url)
    tokens = {}
    for role in ("viewer", "engineer", "reviewer", "admin"):
        add_user(store, f"{role}@example.test", role, PASSWORD)
        tokens[role] = create_token(store, f"{role}@example.test", f"{role} token")[1]
    store.close()
    app = create_app(any_store_url)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("service did not start")
        time.sleep(0.05)
    try:
        yield Service(f"http://127.0.0.1:{port}", tokens, any_store_url)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
