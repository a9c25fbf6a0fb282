"""`WS /ws`: the caller's notifications, live.

The token comes as `?token=` or in `Sec-WebSocket-Protocol` (`bearer, <token>`; the server then
selects the `bearer` subprotocol, as browsers require). A bad token is answered with close code
4401 after the handshake, so browser clients can tell it from a network failure.
"""

from dishka import FromDishka
from dishka.integrations.fastapi import DishkaRoute, inject
from fastapi import APIRouter, WebSocket

from ..config import GatewaySettings
from ..domain.tokens import InvalidTokenError, TokenVerifier
from ..notifications.hub import NotificationHub
from ..notifications.session import CLOSE_BAD_TOKEN, run_session
from ..request_context import set_user
from ..telemetry import GatewayMetrics

router = APIRouter(route_class=DishkaRoute, tags=["notifications"])

BEARER_SUBPROTOCOL = "bearer"


def token_from_handshake(
    query_token: str | None, subprotocols: list[str]
) -> tuple[str | None, str | None]:
    """(token, subprotocol to select) from the query string or `bearer, <token>`."""
    lowered = [protocol.lower() for protocol in subprotocols]
    if BEARER_SUBPROTOCOL in lowered:
        index = lowered.index(BEARER_SUBPROTOCOL)
        token = subprotocols[index + 1] if index + 1 < len(subprotocols) else None
        return token, subprotocols[index]
    return query_token, None


@router.websocket("/ws")
@inject
async def notifications_socket(
    websocket: WebSocket,
    verifier: FromDishka[TokenVerifier],
    hub: FromDishka[NotificationHub],
    metrics: FromDishka[GatewayMetrics],
    settings: FromDishka[GatewaySettings],
) -> None:
    token, subprotocol = token_from_handshake(
        websocket.query_params.get("token"), list(websocket.scope.get("subprotocols", []))
    )
    try:
        user = verifier.verify(token)
    except InvalidTokenError as exc:
        await websocket.accept(subprotocol=subprotocol)
        await websocket.close(CLOSE_BAD_TOKEN, exc.reason)
        return
    set_user(user.user_id)
    # Registered before the handshake completes: whatever is published from then on reaches it.
    channel = hub.connect(user.user_id)
    metrics.ws_connections.inc()
    try:
        await websocket.accept(subprotocol=subprotocol)
        await run_session(
            hub, channel, websocket, close_timeout_s=settings.ws_close_timeout_seconds
        )
    finally:
        hub.disconnect(channel)
        metrics.ws_connections.dec()
