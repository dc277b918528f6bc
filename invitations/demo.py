"""The invitations app's demo data, for `seed_demo`: the register first, then campaigns on it."""

from .campaigns import demo as campaigns_demo
from .register import demo as register_demo


def seed(stdout) -> None:
    register_demo.seed(stdout)
    campaigns_demo.seed(stdout)
