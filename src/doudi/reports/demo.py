def demo_step(rng, ctx):
    pass
