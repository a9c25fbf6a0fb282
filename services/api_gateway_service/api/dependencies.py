"""Request dependencies: the authenticated, rate-limited caller of a route.

No `from __future__ import annotations` in the api modules: FastAPI and dishka read these
annotations at runtime, from the globals of dishka's wrappers, where string annotations would
not resolve."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from dishka import FromDishka
from dishka.integrations.fastapi import inject
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..domain.rate_limit import RouteClass
from ..domain.tokens import AuthenticatedUser
from ..request_guard import RequestGuard

# Declares the bearer scheme in the OpenAPI document (the "Authorize" button of /docs).
bearer_scheme = HTTPBearer(auto_error=False, description="A JWT from `huleedu token --user NAME`.")

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def _route_name(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "name", None) or request.url.path)


def _caller(route_class: RouteClass) -> Callable[..., Awaitable[AuthenticatedUser]]:
    @inject
    async def caller(
        request: Request, credentials: Credentials, guard: FromDishka[RequestGuard]
    ) -> AuthenticatedUser:
        token = credentials.credentials if credentials else None
        return await guard.admit(token, _route_name(request), route_class)

    return caller


Reader = Annotated[AuthenticatedUser, Depends(_caller(RouteClass.READ))]
"""The caller of a read route (authenticated, within its read limit)."""
Writer = Annotated[AuthenticatedUser, Depends(_caller(RouteClass.WRITE))]
"""The caller of a state-changing route (authenticated, within its write limit)."""
Uploader = Annotated[AuthenticatedUser, Depends(_caller(RouteClass.UPLOAD))]
"""The caller of the upload route (authenticated, within its upload limit)."""
