"""`huleedu token --user NAME [--profile demo] [--ttl SECONDS]`: a development JWT for a local
stack's gateway, signed with the secret the launcher generated (the stack's state file).

Refused when the environment is production (`HULEEDU_ENVIRONMENT` or `GATEWAY_ENVIRONMENT`):
production tokens come from a real identity provider, never from a shared secret on disk.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from scripts.launcher.state import DEFAULT_DATA_ROOT, StackDir
from services.api_gateway_service.domain.tokens import (
    DEFAULT_JWT_AUDIENCE,
    DEFAULT_JWT_ISSUER,
    mint_token,
)

EXIT_ERROR = 1
DEFAULT_TTL_SECONDS = 12 * 3600
ENVIRONMENT_VARIABLES = ("HULEEDU_ENVIRONMENT", "GATEWAY_ENVIRONMENT")


class TokenCommandError(RuntimeError):
    """No token can be minted (production, or no stack to sign for)."""


def _is_production(environ: Mapping[str, str]) -> bool:
    return any(environ.get(name, "").lower() == "production" for name in ENVIRONMENT_VARIABLES)


def mint_stack_token(
    user_id: str,
    *,
    profile: str = "demo",
    ttl: timedelta = timedelta(seconds=DEFAULT_TTL_SECONDS),
    data_root: Path = DEFAULT_DATA_ROOT,
    environ: Mapping[str, str] | None = None,
) -> str:
    """A token the gateway of stack `profile` accepts for `user_id`.

    The issuer and audience are the gateway's defaults unless `GATEWAY_JWT_ISSUER` /
    `GATEWAY_JWT_AUDIENCE` are set (the launcher passes the same environment to the gateway).
    """
    env = os.environ if environ is None else environ
    if _is_production(env):
        raise TokenCommandError("refusing to mint a development token in production")
    state = StackDir(profile, data_root).read_state()
    secret = state.secrets.get("jwt_secret") if state else None
    if not secret:
        raise TokenCommandError(
            f"no stack secrets for profile {profile!r}: start it first (huleedu up)"
        )
    return mint_token(
        user_id,
        key=secret,
        issuer=env.get("GATEWAY_JWT_ISSUER", DEFAULT_JWT_ISSUER),
        audience=env.get("GATEWAY_JWT_AUDIENCE", DEFAULT_JWT_AUDIENCE),
        ttl=ttl,
    )


def command_token(args: argparse.Namespace) -> int:
    try:
        token = mint_stack_token(
            args.user,
            profile=args.profile,
            ttl=timedelta(seconds=args.ttl),
            data_root=args.data_root,
        )
    except (TokenCommandError, ValueError) as exc:
        print(f"huleedu token: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(token)
    return 0


def _positive_seconds(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise argparse.ArgumentTypeError("--ttl must be a positive number of seconds")
    return value


def add_token_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = commands.add_parser(
        "token", help="print a development JWT for the gateway of a local stack"
    )
    token.add_argument("--user", required=True, help="the user id (the token's sub)")
    token.add_argument("--profile", default="demo", help="stack name (default: demo)")
    token.add_argument(
        "--ttl",
        type=_positive_seconds,
        default=DEFAULT_TTL_SECONDS,
        help=f"lifetime in seconds (default: {DEFAULT_TTL_SECONDS})",
    )
    token.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT, help=argparse.SUPPRESS)
    token.set_defaults(handler=command_token)
