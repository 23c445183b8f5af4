"""Small pieces the extensions views share."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404

from telephony_admin.errors import DomainError
from telephony_admin.org.access import allows


def paginate(request, queryset, per_page: int = 30):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def apply_domain_error(request, form, exc: DomainError) -> None:
    """A domain error becomes a field error when it names a field, else a message."""
    if form is not None and exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    elif form is not None:
        form.add_error(None, exc.message)
    else:
        messages.error(request, exc.message)


def require_line_view(user, line) -> None:
    """404, not 403, for a line outside the user's scope (no data leaks)."""
    if not allows(
        user, "lines.view", department_id=line.department_id, owner_id=line.owner_id
    ):
        raise Http404
