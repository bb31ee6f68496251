"""The FastAPI application (`ospo serve`): the API, the body size limit, and the background
re-evaluation of stored decisions when the policy or the advisories change."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ospo.service.api import router
from ospo.service.pages import router as pages_router
from ospo.service.pages_exceptions import router as exceptions_pages_router
from ospo.service.reevaluate import background_loop, interval_seconds
from ospo.store import open_store


def create_app(database_url: str | None = None) -> FastAPI:
    """An app bound to one store (opened and migrated at start-up)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(database_url)
        app.state.reevaluation_lock = asyncio.Lock()
        interval = interval_seconds()
        task = (
            asyncio.create_task(background_loop(app.state.store, interval, app.state.reevaluation_lock))
            if interval > 0
            else None
        )
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            app.state.store.close()

    app = FastAPI(
        title="ospo",
        summary="Open Source Program Office: portfolio, licences, vulnerabilities, policy.",
        version="1",
        lifespan=lifespan,
    )
    app.include_router(router)
    app.include_router(pages_router)
    app.include_router(exceptions_pages_router)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    return app


MAX_BODY_BYTES = 64 << 20


class BodyLimit:
    """Refuses request bodies over `limit` bytes before anything reads them (413)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await JSONResponse({"detail": "request body too large"}, status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, "request body too large")
            return message

        await self.app(scope, limited, send)
