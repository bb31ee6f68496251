"""Property-based tests of the API against its own OpenAPI schema (schemathesis), over real HTTP.

Every operation gets generated requests (as an admin, who may call everything); no
response may be a 5xx or violate the documented schema.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from ospo.service.app import create_app
from ospo.store import open_store
from ospo.store.accounts import add_user, create_token


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    import socket

    url = f"sqlite:///{Path(tmp_path_factory.mktemp('st')) / 'ospo.db'}"
    store = open_store(url)
    add_user(store, "admin@example.test", "admin", "correct horse battery staple")
    token = create_token(store, "admin@example.test", "schemathesis")[1]
    store.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token
    server.should_exit = True
    thread.join(timeout=10)


def test_api_conforms_to_its_schema(live: tuple[str, str]) -> None:
    base, token = live
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:  # type: ignore[no-untyped-def]
            # Rejecting a schema-valid but meaningless body (a purl that is no purl) with 422 is
            # deliberate, so the "positive data acceptance" check is left out; 5xx and response
            # schema checks all run.
            case.call_and_validate(
                base_url=base,
                headers={"Authorization": f"Bearer {token}"},
                excluded_checks=[positive_data_acceptance],
            )

        check()
