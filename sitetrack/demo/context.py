from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

DEMO_SEED = 2014
DEMO_PASSWORD = "sitetrack-demo"


@dataclass
class DemoContext:
    rng: random.Random = field(default_factory=lambda: random.Random(DEMO_SEED))
    operation: Any = None
    users: dict[str, Any] = field(default_factory=dict)
    sites: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    log: Any = print
