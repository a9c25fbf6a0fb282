"""The `huleedu` command: run and control a local HuleEdu stack.

huleedu up [--profile demo] [--keep-data] [--partitions 3]
huleedu stop [--profile demo]
huleedu status [--profile demo]
huleedu token --user NAME [--profile demo] [--ttl SECONDS]
huleedu dlq list [--profile demo] [--topic T] [--all] | huleedu dlq replay ID [--force]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from scripts.dlq_command import register_dlq_command
from scripts.kafka_topic_bootstrap import DEFAULT_PARTITIONS, TopicBootstrapError
from scripts.launcher.migrations import MigrationError
from scripts.launcher.processes import ProcessStartError, pid_matches
from scripts.launcher.state import DEFAULT_DATA_ROOT, StackBusyError, StackDir
from scripts.token_command import add_token_parser

EXIT_ERROR = 1


def _command_up(args: argparse.Namespace) -> int:
    from scripts.launcher.foreground import run_foreground
    from scripts.launcher.platform import Platform

    ports = {"redis": args.redis_port, "kafka": args.kafka_port}
    platform = Platform(
        args.profile,
        keep_data=args.keep_data,
        partitions=args.partitions,
        data_root=args.data_root,
        server_ports={name: port for name, port in ports.items() if port},
    )
    return asyncio.run(run_foreground(platform))


def _command_stop(args: argparse.Namespace) -> int:
    from scripts.launcher.leftovers import stop_stack

    stopped = stop_stack(StackDir(args.profile, args.data_root))
    print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
    return 0


def _command_status(args: argparse.Namespace) -> int:
    stack = StackDir(args.profile, args.data_root)
    state = stack.read_state()
    if state is None:
        print(f"profile {args.profile!r}: no stack has run ({stack.root})")
        return 0
    owner = "running" if state.owner_alive() else "not running"
    print(f"profile {args.profile!r}: launcher pid {state.owner_pid} {owner}")
    for name, record in state.processes.items():
        alive = "up" if pid_matches(record.pid, record.markers) else "down"
        print(f"  {name:<28} pid {record.pid:<8} {alive:<5} {state.urls.get(name, '')}")
    print(f"  logs: {stack.logs}")
    return 0


def register_token_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`huleedu token` (a JWT signed with the stack's secret from its state file)."""
    add_token_parser(subparsers)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="huleedu", description="Run a local HuleEdu stack.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--profile", default="demo", help="stack name (default: demo)")
    common.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", parents=[common], help="start the stack in the foreground")
    up.add_argument(
        "--keep-data",
        action="store_true",
        help="keep the previous run's Postgres data and secrets (Kafka and Redis start empty)",
    )
    up.add_argument("--partitions", type=int, default=DEFAULT_PARTITIONS)
    up.add_argument("--redis-port", type=int, help="default: a free port")
    up.add_argument("--kafka-port", type=int, help="default: a free port")
    up.set_defaults(handler=_command_up)

    stop = commands.add_parser("stop", parents=[common], help="stop a stack and its leftovers")
    stop.set_defaults(handler=_command_stop)

    status = commands.add_parser("status", parents=[common], help="show what is running")
    status.set_defaults(handler=_command_status)

    register_token_command(commands)
    register_dlq_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except (StackBusyError, ProcessStartError, MigrationError, TopicBootstrapError) as exc:
        print(f"huleedu: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
