"""JWT access tokens: verification for the gateway, minting for development tools and tests.

A token is accepted when its signature verifies with the one configured algorithm (HS256 with
the shared secret, or RS256 with the public key — never whichever the token names), it has not
expired, and its `iss` and `aud` are the configured ones. The user is its `sub`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

JwtAlgorithm = Literal["HS256", "RS256"]
DEFAULT_JWT_ISSUER = "huleedu"
DEFAULT_JWT_AUDIENCE = "huleedu-api"
REQUIRED_CLAIMS = ("exp", "iss", "aud", "sub")


class InvalidTokenError(Exception):
    """The token is missing, expired or invalid; `reason` is safe to show the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AuthenticatedUser:
    user_id: str
    expires_at: datetime


class TokenVerifier:
    """Verifies bearer tokens with one fixed algorithm, issuer and audience.

    A client sends the same token with every request, so verified tokens are remembered (up to
    `cache_size`) until they expire: the signature is checked once, the expiry every time.
    """

    def __init__(
        self,
        key: str,
        *,
        algorithm: JwtAlgorithm,
        issuer: str,
        audience: str,
        leeway_seconds: float = 0.0,
        cache_size: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not key:
            raise ValueError("a JWT verification key is required")
        self._key = key
        self._algorithm = algorithm
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds
        self._cache_size = cache_size
        self._clock = clock
        self._verified: dict[str, AuthenticatedUser] = {}

    def verify(self, token: str | None) -> AuthenticatedUser:
        """The user of a valid token; `InvalidTokenError` otherwise."""
        if not token:
            raise InvalidTokenError("missing bearer token")
        known = self._verified.get(token)
        if known is not None:
            if known.expires_at.timestamp() + self._leeway > self._clock():
                return known
            del self._verified[token]
            raise InvalidTokenError("token has expired")
        user = self._decode(token)
        if self._cache_size > 0:
            if len(self._verified) >= self._cache_size:
                del self._verified[next(iter(self._verified))]  # the oldest entry
            self._verified[token] = user
        return user

    def _decode(self, token: str) -> AuthenticatedUser:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidTokenError("token has expired") from None
        except jwt.InvalidIssuerError:
            raise InvalidTokenError("token has the wrong issuer") from None
        except jwt.InvalidAudienceError:
            raise InvalidTokenError("token has the wrong audience") from None
        except jwt.MissingRequiredClaimError as exc:
            raise InvalidTokenError(f"token lacks the {exc.claim!r} claim") from None
        except jwt.InvalidSignatureError:
            raise InvalidTokenError("token signature is invalid") from None
        except jwt.PyJWTError:
            raise InvalidTokenError("token is malformed or uses the wrong algorithm") from None
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject.strip():
            raise InvalidTokenError("token has no user (sub)")
        return AuthenticatedUser(subject, datetime.fromtimestamp(claims["exp"], UTC))


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def mint_token(
    user_id: str,
    *,
    key: str,
    algorithm: JwtAlgorithm = "HS256",
    issuer: str = DEFAULT_JWT_ISSUER,
    audience: str = DEFAULT_JWT_AUDIENCE,
    ttl: timedelta = timedelta(hours=12),
    now: datetime | None = None,
) -> str:
    """A signed access token for `user_id` (development tools and tests; `key` is the HS256
    secret or, for RS256, the PEM private key)."""
    if not user_id.strip():
        raise ValueError("user_id must not be empty")
    issued = now or datetime.now(UTC)
    claims = {
        "sub": user_id,
        "iss": issuer,
        "aud": audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, key, algorithm=algorithm)
