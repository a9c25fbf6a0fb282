"""`make demo`: start the embedded platform with every service, then show what it can do.

    python -m scripts.demo          # stays up afterwards until Ctrl-C
    python -m scripts.demo --exit   # stops the stack once the demo has run

The demo only prints what really happened on the running stack. Whatever the platform cannot do
yet is said plainly instead of being simulated.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from scripts.launcher.foreground import run_foreground
from scripts.launcher.platform import Platform
from scripts.launcher.service_registry import SERVICES

INTAKE_SERVICES = frozenset(
    {
        "batch_orchestrator_service",
        "content_service",
        "file_service",
        "essay_lifecycle_api",
        "essay_lifecycle_worker",
    }
)
CLIENT_SERVICES = frozenset({"api_gateway_service", "result_aggregator_service"})


async def show_demo(platform: Platform) -> None:
    """What the demo shows on the started stack, given the services that exist so far."""
    names = {spec.name for spec in SERVICES}
    print(f"\nServices running: {', '.join(sorted(names)) or 'none yet (infrastructure only)'}")
    if names >= CLIENT_SERVICES | INTAKE_SERVICES:
        from scripts.demo_gateway import run_gateway_demo

        await run_gateway_demo(platform)
    elif names >= INTAKE_SERVICES:
        from scripts.demo_intake import run_intake_demo

        await run_intake_demo(platform)
        print("Not available yet: the API gateway, live notifications and result tables.")
    else:
        missing = ", ".join(sorted(INTAKE_SERVICES - names))
        print(f"Not available yet: batch intake (register, upload, readiness) needs {missing}.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the HuleEdu demo on the embedded platform.")
    parser.add_argument(
        "--exit", action="store_true", help="stop the stack after the demo instead of staying up"
    )
    args = parser.parse_args(argv)
    platform = Platform("demo")
    return asyncio.run(run_foreground(platform, after_start=show_demo, exit_when_done=args.exit))


if __name__ == "__main__":
    sys.exit(main())
