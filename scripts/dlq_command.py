"""`huleedu dlq list|replay`: the dead letters BOS keeps, through BOS's internal API.

The BOS URL and the internal API key come from the stack's state file (`huleedu up`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import httpx

from huleedu_service_libs.auth import internal_auth_headers
from scripts.launcher.state import DEFAULT_DATA_ROOT, StackDir

BOS = "batch_orchestrator_service"
CLI_SERVICE_ID = "api_gateway_service"  # the operator acts with the stack's own credentials
EXIT_ERROR = 1


class DlqCommandError(RuntimeError):
    """The command cannot reach BOS or BOS refused it."""


def register_dlq_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--profile", default="demo", help="stack name (default: demo)")
    common.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT, help=argparse.SUPPRESS)
    dlq = commands.add_parser("dlq", help="list or replay BOS's dead letters")
    actions = dlq.add_subparsers(dest="dlq_command", required=True)

    listing = actions.add_parser("list", parents=[common], help="list dead letters")
    listing.add_argument("--topic", help="only letters from this source topic")
    listing.add_argument("--all", action="store_true", help="include replayed letters")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(handler=command_list)

    replay = actions.add_parser("replay", parents=[common], help="republish a dead letter")
    replay.add_argument("id", type=int, help="dead letter id (from `huleedu dlq list`)")
    replay.add_argument("--force", action="store_true", help="replay even if replayed before")
    replay.set_defaults(handler=command_replay)


def command_list(args: argparse.Namespace) -> int:
    params: dict[str, str] = {"limit": str(args.limit), "include_replayed": str(args.all).lower()}
    if args.topic:
        params["topic"] = args.topic
    try:
        body = _call(args, "GET", "/internal/v1/dead-letters", params=params)
    except DlqCommandError as exc:
        print(f"huleedu dlq: {exc}", file=sys.stderr)
        return EXIT_ERROR
    letters: list[dict[str, Any]] = body["dead_letters"]
    if not letters:
        print("no dead letters")
        return 0
    for letter in letters:
        print(format_letter(letter))
    return 0


def command_replay(args: argparse.Namespace) -> int:
    path = f"/internal/v1/dead-letters/{args.id}/replay"
    params = {"force": "true"} if args.force else None
    try:
        body = _call(args, "POST", path, params=params)
    except DlqCommandError as exc:
        print(f"huleedu dlq: {exc}", file=sys.stderr)
        return EXIT_ERROR
    target = body["replayed_to"]
    print(
        f"replayed dead letter {args.id} to {target['topic']} "
        f"(partition {target['partition']}, offset {target['offset']})"
    )
    return 0


def format_letter(letter: dict[str, Any]) -> str:
    replayed = f" replayed {letter['replayed_at']}" if letter["replayed_at"] else ""
    return (
        f"#{letter['id']} {letter['failed_at']} {letter['source_topic']}"
        f"[{letter['source_partition']}]@{letter['source_offset']} key={letter['key']} "
        f"{letter['reason']} {letter['error_type']}: {letter['error_message'][:120]}{replayed}"
    )


def _call(
    args: argparse.Namespace, method: str, path: str, *, params: dict[str, str] | None
) -> dict[str, Any]:
    state = StackDir(args.profile, args.data_root).read_state()
    if state is None or BOS not in state.urls:
        raise DlqCommandError(f"no running stack with BOS for profile {args.profile!r}")
    headers = internal_auth_headers(CLI_SERVICE_ID, state.secrets.get("internal_api_key", ""))
    try:
        response = httpx.request(
            method, state.urls[BOS] + path, params=params, headers=headers, timeout=10
        )
    except httpx.HTTPError as exc:
        raise DlqCommandError(f"cannot reach BOS at {state.urls[BOS]}: {exc}") from exc
    body: dict[str, Any] = response.json()
    if response.status_code >= 400:
        error = body.get("error", {})
        raise DlqCommandError(f"BOS answered {response.status_code}: {error.get('message')}")
    return body
