"""Handlers the approvals registry calls when a request of ours is decided."""

from .applications import (  # noqa: F401
    EQUIPMENT_KIND,
    PERMISSION_KIND,
    equipment_on_approved,
    equipment_on_rejected,
    permission_on_approved,
    permission_on_rejected,
)
from .long_distance import (  # noqa: F401
    LD_KIND,
    ld_on_approved,
    ld_on_rejected,
    ld_request_guard,
)
