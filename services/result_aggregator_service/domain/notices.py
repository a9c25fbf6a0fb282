"""A notification decided by a projection, before it gets its per-batch `seq`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common_core.notifications import NotificationName


@dataclass(frozen=True)
class Notice:
    """Name and payload fields (without batch_id, seq and timestamp) of one notification."""

    name: NotificationName
    fields: dict[str, Any] = field(default_factory=dict)
