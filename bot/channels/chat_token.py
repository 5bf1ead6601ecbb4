"""Signed tokens for the web chat's socket: minted by the web page's server, checked
by the socket.io channel. Both sides read the secret from env WEBCHAT_JWT_SECRET.

A token is a JWT (HS256 by default) with "iat" and "exp" claims; the channel refuses
one without "exp", so a leaked token stops working within minutes. Light on imports,
so the web server can use it without loading Rasa.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Optional

import jwt

logger = logging.getLogger(__name__)

JWT_SECRET_ENV_VAR = "WEBCHAT_JWT_SECRET"
DEFAULT_ALGORITHM = "HS256"
TOKEN_LIFETIME_SECONDS = 300  # only needed while connecting; the widget fetches a new one to reconnect


def mint_chat_token(secret: str, lifetime: float = TOKEN_LIFETIME_SECONDS, now: Optional[float] = None) -> str:
    issued = int(time.time() if now is None else now)
    return jwt.encode({"iat": issued, "exp": issued + int(lifetime)}, secret, algorithm=DEFAULT_ALGORITHM)


def chat_token_is_valid(token: Any, key: str, algorithm: Optional[str] = None) -> bool:
    """Signed with `key`, unexpired, and carrying "exp". A "Bearer " prefix is allowed."""
    if not isinstance(token, str) or not token.strip():
        return False
    token = token.strip()
    if token.startswith("Bearer "):
        token = token[len("Bearer ") :]
    try:
        jwt.decode(token, key, algorithms=[algorithm or DEFAULT_ALGORITHM], options={"require": ["exp"]})
        return True
    except jwt.PyJWTError as problem:
        logger.info("web chat: refused a bad token (%s)", problem)
        return False
