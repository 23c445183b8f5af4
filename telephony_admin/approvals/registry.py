"""What happens when a request of a kind is decided.

Domain apps register their kinds in ``AppConfig.ready``::

    registry.register("ld_request", label=_("Long-distance request"),
                      on_approved=ld_request_on_approved)

Handlers run inside the deciding transaction with ``(request, actor)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Handler = Callable[[Any, Any], None]


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    on_approved: Handler | None = None
    on_rejected: Handler | None = None
    on_step_approved: Handler | None = None


KINDS: dict[str, Kind] = {}


def register(
    code: str,
    *,
    label: Any,
    on_approved: Handler | None = None,
    on_rejected: Handler | None = None,
    on_step_approved: Handler | None = None,
) -> Kind:
    kind = Kind(code, label, on_approved, on_rejected, on_step_approved)
    KINDS[code] = kind
    return kind


def get(code: str) -> Kind:
    return KINDS.get(code) or Kind(code, code)
