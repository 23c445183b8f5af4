"""The person pickers' JSON endpoint (``core.widgets.PersonSelect``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, JsonResponse

from .access import CAPABILITIES, Scope, capability_required, filter_by_scope, scope
from .models import Employee

LIMIT = 20


def people_matching(q: str):
    q = q.strip()
    people = Employee.objects.filter(is_active=True).select_related("department")
    if not q:
        return people.none()
    return people.filter(
        Q(name__contains=q)
        | Q(number__startswith=q)
        | Q(pinyin__startswith=q.lower())
        | Q(pinyin_initials__startswith=q.lower())
    ).order_by("name", "pk")


@capability_required("directory.search")
def people_search(request: HttpRequest) -> JsonResponse:
    """GET ?q=[&scope=capability] -> {results: [{value, text}]}: active people by
    name, pinyin, initials or employee number, what the directory shows anyone
    (R-EXT-8). With ``scope`` only the people within the user's scope of that
    capability (their department's for a head): 403 without any scope of it."""
    people = people_matching(request.GET.get("q", ""))
    capability = request.GET.get("scope", "")
    if capability:
        if (
            capability not in CAPABILITIES
            or scope(request.user, capability) == Scope.NONE
        ):
            raise PermissionDenied
        people = filter_by_scope(
            request.user, capability, people, department="department", owner="pk"
        )
    results = [
        {"value": p.pk, "text": f"{p.name} · {p.department.name} · {p.number}"}
        for p in people[:LIMIT]
    ]
    return JsonResponse({"results": results})
