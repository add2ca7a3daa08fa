"""The demo operation is built in steps, one module per app, run in this order.

Each module exposes `build(ctx: DemoContext) -> None`; it reads what earlier steps put
on the context (operation, areas, sites, users) and adds its own. Everything is
deterministic: randomness comes from `ctx.rng`, seeded once.
"""

STEPS = [
    "sitetrack.demo.builders.geo",
    "sitetrack.demo.builders.operation",
    "sitetrack.demo.builders.sites",
    "sitetrack.demo.builders.assessments",
    "sitetrack.response.demo",
    "sitetrack.returns.demo",
]
