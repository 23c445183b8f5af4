"""Every write of the extensions app (one function per use case, R-EXT-*, R-LD-*).

The package re-exports the use cases so callers write
``from extensions.services import line_create, employee_transfer``.
"""

from .lines import (  # noqa: F401
    class_change_apply,
    class_changes_apply_due,
    employee_transfer,
    line_assign,
    line_create,
    line_update,
)
