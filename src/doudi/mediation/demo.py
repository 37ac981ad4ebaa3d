"""Demo step (order 95)."""

from __future__ import annotations

import random


def mediation_demo_step(rng: random.Random, ctx: dict) -> None:
    return None
