"""The one base domain error. Each app subclasses it; views turn it into a message."""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """A rule refused the operation; ``str(error)`` is a translated, user-facing reason."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionRefused(DomainError, PermissionDenied):
    """The actor's role or scope does not allow the operation (roles.md).

    Also a ``PermissionDenied``, so an uncaught one becomes a 403 page.
    """


class PeriodClosed(DomainError):
    """The month is closed; changes to it are refused (R-PRV-4)."""
