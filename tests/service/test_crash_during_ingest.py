"""Kill the server process in the middle of an ingest: the store keeps all of the scan or none."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import func, select

from ospo.model import Component, Inventory, ScanResult
from ospo.model.serialize import to_data
from ospo.store import open_store
from ospo.store.accounts import add_user, create_token
from ospo.store.portfolio import ComponentRow, ScanComponentRow, ScanRow


def big_scan(n: int, salt: int) -> bytes:
    comps = [Component(f"pkg:npm/pkg-{salt}-{i}@1.0.{i}", f"pkg-{salt}-{i}", f"1.0.{i}", "npm") for i in range(n)]
    result = ScanResult(root=".", inventory=Inventory(root=".", components=comps))
    return json.dumps({"ospo_scan_version": 1, **to_data(result)}).encode()


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OSPO_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ospo", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def test_kill_mid_ingest_leaves_whole_scan_or_nothing(any_store_url: str) -> None:
    import socket

    store = open_store(any_store_url)
    add_user(store, "ci@example.test", "engineer", None)
    token = create_token(store, "ci@example.test", "ci")[1]
    store.close()
    killed_mid_request = 0
    for attempt, delay in enumerate((0.3, 0.6, 0.9, 1.2, 1.6, 2.0)):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = start_server(any_store_url, port)
        body = big_scan(20_000, attempt)
        outcome: dict[str, object] = {}

        def upload(payload: bytes = body, p: int = port, out: dict[str, object] = outcome) -> None:
            try:
                r = httpx.post(
                    f"http://127.0.0.1:{p}/api/v1/scans",
                    params={"project": "crash"},
                    content=payload,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                    timeout=120,
                )
                out["status"] = r.status_code
            except httpx.HTTPError as exc:
                out["error"] = exc

        thread = threading.Thread(target=upload)
        thread.start()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        thread.join()
        if "error" in outcome:
            killed_mid_request += 1

        check = open_store(any_store_url)
        with check.session() as session:
            scans = session.execute(select(ScanRow)).scalars().all()
            for scan in scans:
                links = session.execute(
                    select(func.count()).select_from(ScanComponentRow).where(ScanComponentRow.scan_id == scan.id)
                ).scalar_one()
                assert links == scan.component_count == 20_000, "a scan was stored half-written"
            stored_components = session.execute(select(func.count()).select_from(ComponentRow)).scalar_one()
            assert stored_components == 20_000 * len(scans), "components written without their scan"
        check.close()
    assert killed_mid_request >= 1, "the server was never killed during a request; raise the payload size"
