"""Authentication and authorisation for every route but health.

Machines send `Authorization: Bearer ospo_...`; people log in and carry a session cookie.
A cookie alone never authorises a write: unsafe methods also need the session's CSRF token
in the `X-CSRF-Token` header (or a `csrf_token` form field), so another site cannot make a
logged-in browser post on its behalf. Roles are checked on every endpoint through the
`requires(...)` dependency, which the route tests enumerate.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from ospo.store import Store
from ospo.store.accounts import Principal, principal_from_session, principal_from_token

SESSION_COOKIE = "ospo_session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# What each role may do. A role's permissions are listed in full (no inheritance to reason about).
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "engineer": frozenset({"read", "upload"}),
    "reviewer": frozenset({"read", "review"}),
    "admin": frozenset({"read", "upload", "review", "admin"}),
}


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def current_principal(request: Request, store: Annotated[Store, Depends(get_store)]) -> Principal:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        principal = principal_from_token(store, header[7:].strip())
        if principal is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "invalid, expired or revoked token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return principal
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        principal = principal_from_session(store, sid)
        if principal is not None:
            if request.method in UNSAFE:
                sent = request.headers.get(CSRF_HEADER)
                if sent is None and request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")
                ):
                    form = await request.form()
                    value = form.get("csrf_token")
                    sent = value if isinstance(value, str) else None
                if not sent or not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
                    raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
            return principal
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "authentication required", headers={"WWW-Authenticate": "Bearer"})


def requires(permission: str) -> Callable[..., object]:
    """A dependency that lets through only principals whose role grants `permission`.

    A token created with scopes is further limited to those scopes.
    """

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if permission not in PERMISSIONS.get(principal.role, frozenset()):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role} may not {permission}")
        if principal.via == "token" and principal.scopes and permission not in principal.scopes:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"token scope does not include {permission}")
        return principal

    check.permission = permission  # type: ignore[attr-defined]
    return check
