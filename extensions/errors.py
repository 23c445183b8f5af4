"""Domain errors of the extensions app."""

from telephony_admin.errors import DomainError


class ExtensionsError(DomainError):
    """A rule about lines, classes of service or requests refused the operation."""


class LimitExceeded(ExtensionsError):
    """The department's limit of local/long-distance lines would be exceeded (R-EXT-3)."""


class InvalidTransition(ExtensionsError):
    """The record is not in a state that allows this step."""
