"""The complaint desk's domain errors."""

from telephony_admin.errors import DomainError


class ComplaintError(DomainError):
    """A complaint operation was refused by a rule (R-CMP-*)."""


class TransitionRefused(ComplaintError):
    """The complaint is not in a state that allows this step (someone was faster)."""
