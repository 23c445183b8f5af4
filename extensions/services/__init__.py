"""Every write of the extensions app (one function per use case, R-EXT-*, R-LD-*).

The package re-exports the use cases so callers write
``from extensions.services import line_create, employee_transfer``.
"""

from .applications import (  # noqa: F401
    equipment_request_file,
    equipment_request_fulfil,
    permission_application_decide,
    permission_application_file,
)
from .faults import fault_assign, fault_close, fault_report  # noqa: F401
from .limits import (  # noqa: F401
    department_limit_set,
    limit_excess,
    limit_usage,
    limit_usages,
)
from .lines import (  # noqa: F401
    class_change_apply,
    class_changes_apply_due,
    employee_transfer,
    line_assign,
    line_class_reduce,
    line_create,
    line_update,
)
from .long_distance import (  # noqa: F401
    ip_prefix_advice,
    ld_request_file,
    ld_request_place_now,
    ld_requests_mark_lapsed,
)
