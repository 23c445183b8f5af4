"""No periodic job: audits run after each import (billing's hook) and on demand."""

BEAT_SCHEDULE: dict = {}
