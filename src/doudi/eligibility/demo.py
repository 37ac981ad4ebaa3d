def eligibility_step(rng, ctx):
    return None
