"""Users, API tokens and browser sessions.

Secrets are never stored: passwords as argon2 hashes (pwdlib), tokens and session ids as
SHA-256 digests (they are long random strings, so a fast hash is enough and lookups stay
indexed). A token is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import select, update

from ospo.model import OspoError
from ospo.store.engine import Store
from ospo.store.portfolio import ApiTokenRow, AuditRow, SessionRow, UserRow

ROLES = ("viewer", "engineer", "reviewer", "admin")
TOKEN_PREFIX = "ospo_"
SESSION_LIFETIME = timedelta(hours=12)

_hasher = PasswordHash.recommended()


class AccountError(OspoError):
    pass


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user, through a token (with scopes) or a session (with a CSRF secret)."""

    user_id: int
    email: str
    role: str
    via: str  # "token" or "session"
    scopes: tuple[str, ...] = ()
    csrf_token: str | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def add_user(
    store: Store, email: str, role: str, password: str | None = None, name: str = "", actor: str = "cli"
) -> int:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"{email!r} is not an e-mail address")
    if password is not None and len(password) < 12:
        raise AccountError("passwords need at least 12 characters")
    with store.session() as session:
        if session.execute(select(UserRow).where(UserRow.email == email)).scalar_one_or_none() is not None:
            raise AccountError(f"user {email} exists already")
        user = UserRow(
            email=email,
            name=name,
            role=role,
            password_hash=_hasher.hash(password) if password else None,
            created_at=_now(),
            active=True,
        )
        session.add(user)
        session.flush()
        session.add(AuditRow(at=_now(), actor=actor, action="user.add", subject=email, details={"role": role}))
        return user.id


def set_password(store: Store, email: str, password: str, actor: str = "cli") -> None:
    if len(password) < 12:
        raise AccountError("passwords need at least 12 characters")
    with store.session() as session:
        user = session.execute(select(UserRow).where(UserRow.email == email.lower())).scalar_one_or_none()
        if user is None:
            raise AccountError(f"no user {email}")
        user.password_hash = _hasher.hash(password)
        session.add(AuditRow(at=_now(), actor=actor, action="user.password", subject=user.email, details={}))


def create_token(
    store: Store,
    email: str,
    name: str,
    *,
    scopes: tuple[str, ...] = (),
    expires_in: timedelta | None = timedelta(days=90),
    actor: str = "cli",
) -> tuple[int, str]:
    """(token id, the token itself — shown once)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.session() as session:
        user = session.execute(select(UserRow).where(UserRow.email == email.lower())).scalar_one_or_none()
        if user is None:
            raise AccountError(f"no user {email}")
        row = ApiTokenRow(
            user_id=user.id,
            name=name,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            token_hash=_digest(secret),
            scopes=list(scopes),
            created_at=_now(),
            expires_at=_now() + expires_in if expires_in else None,
        )
        session.add(row)
        session.flush()
        session.add(
            AuditRow(
                at=_now(),
                actor=actor,
                action="token.create",
                subject=user.email,
                details={"token_id": row.id, "name": name},
            )
        )
        return row.id, secret


def revoke_token(store: Store, token_id: int, actor: str = "cli") -> None:
    with store.session() as session:
        row = session.get(ApiTokenRow, token_id)
        if row is None:
            raise AccountError(f"no token {token_id}")
        row.revoked_at = _now()
        session.add(AuditRow(at=_now(), actor=actor, action="token.revoke", subject=str(token_id), details={}))


def principal_from_token(store: Store, token: str) -> Principal | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = _now()
    with store.session() as session:
        found = session.execute(
            select(ApiTokenRow, UserRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_hash == _digest(token))
        ).one_or_none()
        if found is None:
            return None
        row, user = found
        if row.revoked_at is not None or not user.active:
            return None
        if row.expires_at is not None and _aware(row.expires_at) <= now:
            return None
        if row.last_used_at is None or now - _aware(row.last_used_at) > timedelta(minutes=5):
            session.execute(update(ApiTokenRow).where(ApiTokenRow.id == row.id).values(last_used_at=now))
        return Principal(user.id, user.email, user.role, "token", tuple(row.scopes or ()))


def login(store: Store, email: str, password: str) -> tuple[str, str] | None:
    """(session id for the cookie, CSRF token) when the password is right, else None."""
    with store.session() as session:
        user = session.execute(select(UserRow).where(UserRow.email == email.strip().lower())).scalar_one_or_none()
        if user is None or not user.active or not user.password_hash:
            _hasher.hash(password)  # same work either way: no user enumeration by timing
            return None
        valid, new_hash = _hasher.verify_and_update(password, user.password_hash)
        if not valid:
            session.add(AuditRow(at=_now(), actor=user.email, action="login.failed", subject=user.email, details={}))
            return None
        if new_hash:
            user.password_hash = new_hash
        sid = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        session.add(
            SessionRow(
                id_hash=_digest(sid),
                user_id=user.id,
                csrf_token=csrf,
                created_at=_now(),
                expires_at=_now() + SESSION_LIFETIME,
            )
        )
        session.add(AuditRow(at=_now(), actor=user.email, action="login", subject=user.email, details={}))
        return sid, csrf


def principal_from_session(store: Store, sid: str) -> Principal | None:
    with store.session() as session:
        found = session.execute(
            select(SessionRow, UserRow)
            .join(UserRow, UserRow.id == SessionRow.user_id)
            .where(SessionRow.id_hash == _digest(sid))
        ).one_or_none()
        if found is None:
            return None
        row, user = found
        if _aware(row.expires_at) <= _now() or not user.active:
            return None
        return Principal(user.id, user.email, user.role, "session", (), row.csrf_token)


def logout(store: Store, sid: str) -> None:
    with store.session() as session:
        row = session.get(SessionRow, _digest(sid))
        if row is not None:
            session.delete(row)
