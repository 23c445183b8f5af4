"""What happens when a request of a kind is decided.

Domain apps register their kinds in ``AppConfig.ready``::

    registry.register("ld_request", label=_("Long-distance request"),
                      on_approved=ld_request_on_approved)

Handlers run inside the deciding transaction with ``(request, actor)``.

``guard(request, approve)`` runs before anything of a decision (or a withdrawal,
``approve=False``) is written and raises a ``DomainError`` to refuse it: a subject
that may not change now (an item of a closed month, R-PRV-4) is refused whole,
never left with its approval decided and itself unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Handler = Callable[[Any, Any], None]
Guard = Callable[[Any, bool], None]


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    on_approved: Handler | None = None
    on_rejected: Handler | None = None
    on_step_approved: Handler | None = None
    guard: Guard | None = None


KINDS: dict[str, Kind] = {}


def register(
    code: str,
    *,
    label: Any,
    on_approved: Handler | None = None,
    on_rejected: Handler | None = None,
    on_step_approved: Handler | None = None,
    guard: Guard | None = None,
) -> Kind:
    kind = Kind(code, label, on_approved, on_rejected, on_step_approved, guard)
    KINDS[code] = kind
    return kind


def get(code: str) -> Kind:
    return KINDS.get(code) or Kind(code, code)
