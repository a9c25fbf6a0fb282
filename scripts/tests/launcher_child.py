"""Run a foreground test stack (with the dummy service) in its own process.

python -m scripts.tests.launcher_child PROFILE
"""

from __future__ import annotations

import asyncio
import sys

from scripts.launcher.foreground import run_foreground
from scripts.launcher.platform import Platform
from scripts.tests.stack_helpers import LAUNCHER_TEST_ROOT, dummy_spec


def main() -> int:
    platform = Platform(
        sys.argv[1],
        services=[dummy_spec()],
        data_root=LAUNCHER_TEST_ROOT,
        fixed_service_ports=False,
    )
    return asyncio.run(run_foreground(platform, out=lambda text: print(text, flush=True)))


if __name__ == "__main__":
    sys.exit(main())
