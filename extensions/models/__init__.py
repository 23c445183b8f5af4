"""Models of the extensions app: lines and their history, requests, faults."""

from .lines import (  # noqa: F401
    ClassChange,
    ClassOfService,
    Feature,
    Line,
    LineAssignment,
    LineKind,
    feature_labels,
)
from .requests import (  # noqa: F401
    DepartmentLineLimit,
    EquipmentRequest,
    Fault,
    FaultStatus,
    LDRegion,
    LDStatus,
    LongDistanceRequest,
    PermissionApplication,
    RequestStatus,
)
