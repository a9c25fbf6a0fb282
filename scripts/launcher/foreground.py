"""`huleedu up`: run a stack in the foreground until Ctrl-C/SIGTERM or until a part dies."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable

from scripts.launcher.platform import PartDown, Platform
from scripts.launcher.processes import log_tail

_SUPERVISE_INTERVAL_S = 0.5
EXIT_OK = 0
EXIT_PART_DOWN = 1
EXIT_INTERRUPTED_DURING_STARTUP = 130


def describe(platform: Platform) -> str:
    """Where everything of a started stack is, for the terminal."""
    infra = platform.infra
    lines = [
        f"HuleEdu stack '{platform.profile}' is up (data: {platform.dir.root})",
        f"  postgres  {infra.postgres_admin_url}",
        f"  redis     {infra.redis_url}",
        f"  kafka     {infra.kafka_bootstrap}  ({platform.partitions} partitions per topic)",
    ]
    for name, service in platform.services.items():
        lines.append(f"  {name:<28} {service.url}  (log: {service.log_path})")
    if not platform.services:
        lines.append("  no services are registered yet: only the infrastructure is running")
    lines += [
        f"  state and secrets: {platform.dir.state_path}",
        f"  logs: {platform.dir.logs}",
    ]
    return "\n".join(lines)


async def _start(platform: Platform, out: Callable[[str], None], after: AfterStart | None) -> None:
    await platform.start_infrastructure()
    await platform.start_services()
    out(describe(platform))
    if after is not None:
        await after(platform)


async def _supervise(platform: Platform, stop: asyncio.Event) -> PartDown | None:
    while not stop.is_set():
        try:
            platform.check_parts()
        except PartDown as down:
            return down
        try:
            await asyncio.wait_for(stop.wait(), _SUPERVISE_INTERVAL_S)
        except TimeoutError:
            continue
    return None


def _install_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


AfterStart = Callable[[Platform], Awaitable[None]]


async def run_foreground(
    platform: Platform,
    out: Callable[[str], None] = print,
    *,
    after_start: AfterStart | None = None,
    exit_when_done: bool = False,
) -> int:
    """Start the stack, keep it up, stop everything it started; the process exit code.

    `after_start` runs once the stack is up (the demo's sample batches); with `exit_when_done`
    the stack is stopped after it instead of staying up until Ctrl-C.
    """
    stop = asyncio.Event()
    _install_stop_signals(stop)
    startup = asyncio.create_task(_start(platform, out, after_start))
    stop_wait = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({startup, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        if not startup.done():
            startup.cancel()
            out("interrupted during startup: stopping")
            return EXIT_INTERRUPTED_DURING_STARTUP
        startup.result()
        if exit_when_done:
            platform.check_parts()
            out("done: stopping the stack")
            return EXIT_OK
        out("Press Ctrl-C to stop everything.")
        down = await _supervise(platform, stop)
        if down is None:
            out("stopping")
            return EXIT_OK
        out(f"{down}: stopping the whole stack. Log tail:\n{log_tail(down.log_path)}")
        return EXIT_PART_DOWN
    finally:
        stop_wait.cancel()
        await asyncio.gather(startup, return_exceptions=True)
        await platform.stop_all()
