"""The checks every public API request passes first: a valid bearer token, then the caller's
rate limit for the route. One object, so that a request resolves one dependency."""

from __future__ import annotations

import structlog

from common_core.error_models import ErrorCode
from huleedu_service_libs.errors import is_transient

from .domain.rate_limit import RateLimiter, RouteClass
from .domain.tokens import AuthenticatedUser, InvalidTokenError, TokenVerifier
from .errors import GatewayError
from .request_context import add_response_headers, set_user
from .telemetry import GatewayMetrics

logger = structlog.stdlib.get_logger(__name__)


def unauthorized(reason: str) -> GatewayError:
    return GatewayError(401, ErrorCode.UNAUTHORIZED, reason, headers={"WWW-Authenticate": "Bearer"})


class RequestGuard:
    def __init__(
        self, verifier: TokenVerifier, limiter: RateLimiter, metrics: GatewayMetrics
    ) -> None:
        self._verifier = verifier
        self._limiter = limiter
        self._metrics = metrics

    def authenticate(self, token: str | None) -> AuthenticatedUser:
        try:
            user = self._verifier.verify(token)
        except InvalidTokenError as exc:
            raise unauthorized(exc.reason) from None
        set_user(user.user_id)
        return user

    async def admit(
        self, token: str | None, route: str, route_class: RouteClass
    ) -> AuthenticatedUser:
        """The authenticated caller, counted against its limit for `route`; 401 or 429 else.

        Redis trouble lets the request through (logged): rate limits protect the services, and
        refusing every request while Redis is down would be the bigger outage.
        """
        user = self.authenticate(token)
        try:
            decision = await self._limiter.check(route, route_class, user.user_id)
        except Exception as exc:
            if not is_transient(exc):
                raise
            logger.warning("rate limiter unavailable; request allowed", error=repr(exc))
            return user
        add_response_headers(
            {
                "X-RateLimit-Limit": str(decision.limit),
                "X-RateLimit-Remaining": str(decision.remaining),
            }
        )
        if not decision.allowed:
            self._metrics.rate_limited.labels(route).inc()
            raise GatewayError(
                429,
                ErrorCode.RATE_LIMITED,
                "rate limit exceeded; retry later",
                {"limit": decision.limit, "retry_after_seconds": decision.retry_after_seconds},
                headers={"Retry-After": str(decision.retry_after_seconds)},
            )
        return user
