"""Demo data for integrity (filled in below)."""


def integrity_demo_step(rng, ctx) -> None:
    return None
