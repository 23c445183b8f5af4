"""The administrators' calendar page (R-HOT-2 hours are edited here)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from telephony_admin.core.models import AuditEvent
from telephony_admin.org.models import Role
from telephony_admin.workcal.calendar import is_working_day
from telephony_admin.workcal.models import DateOverride, OverrideKind, OverrideSource

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 15, 10, 0, tzinfo=SHANGHAI)


def user_with_role(username: str, role: Role | None):
    """A bare user in the role's group: the page checks roles, not employees."""
    user = get_user_model().objects.create(username=username)
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def admin_client(client, db):
    client.force_login(user_with_role("admin", Role.ADMIN))
    return client


@time_machine.travel(NOW, tick=False)
def test_calendar_page_lists_month_overrides__R_HOT_2(admin_client):
    admin_client.post(reverse("workcal:seed"), {"year": 2026})
    response = admin_client.get(reverse("workcal:calendar"))
    assert response.status_code == 200
    overrides = list(response.context["overrides"])
    assert [o.date for o in overrides] == [
        date(2026, 9, 20),
        date(2026, 9, 25),
        date(2026, 9, 26),
        date(2026, 9, 27),
    ]
    october = admin_client.get(reverse("workcal:calendar"), {"year": 2026, "month": 10})
    assert date(2026, 10, 10) in [o.date for o in october.context["overrides"]]


@pytest.mark.parametrize(
    "role", [None, Role.CS_AGENT, Role.CS_HEAD, Role.GM, Role.FINANCE]
)
def test_calendar_page_is_for_administrators_only(client, db, role):
    client.force_login(user_with_role("someone", role))
    assert client.get(reverse("workcal:calendar")).status_code == 403
    response = client.post(
        reverse("workcal:override_create"),
        {"date": "2026-03-04", "kind": OverrideKind.HOLIDAY},
    )
    assert response.status_code == 403
    assert not DateOverride.objects.exists()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("workcal:calendar"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_admin_adds_custom_hours_and_calendar_follows__R_HOT_2(admin_client):
    response = admin_client.post(
        reverse("workcal:override_create"),
        {
            "date": "2026-03-07",
            "kind": OverrideKind.CUSTOM,
            "intervals": "09:00-12:00",
            "name": "Open day",
        },
    )
    assert response.status_code == 302
    override = DateOverride.objects.get(date=date(2026, 3, 7))
    assert override.intervals == [["09:00", "12:00"]]
    assert override.source == OverrideSource.MANUAL
    assert is_working_day(date(2026, 3, 7))
    assert AuditEvent.objects.filter(action="workcal.override.save").count() == 1


def test_bad_intervals_are_form_errors(admin_client):
    for intervals in ("9-12", "12:00-09:00", "08:00-12:00, 11:00-13:00"):
        response = admin_client.post(
            reverse("workcal:override_create"),
            {"date": "2026-03-07", "kind": OverrideKind.CUSTOM, "intervals": intervals},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not DateOverride.objects.exists()


def test_admin_edits_seeded_holiday_into_working_day__R_HOT_2(admin_client):
    admin_client.post(reverse("workcal:seed"), {"year": 2026})
    holiday = DateOverride.objects.get(date=date(2026, 10, 2))
    page = admin_client.get(reverse("workcal:override_edit", args=[holiday.pk]))
    assert page.status_code == 200
    response = admin_client.post(
        reverse("workcal:override_edit", args=[holiday.pk]),
        {"date": "2026-10-02", "kind": OverrideKind.MAKEUP, "intervals": ""},
    )
    assert response.status_code == 302
    assert is_working_day(date(2026, 10, 2))
    admin_client.post(reverse("workcal:seed"), {"year": 2026})
    holiday.refresh_from_db()
    assert holiday.kind == OverrideKind.MAKEUP


def test_admin_deletes_override__R_HOT_2(admin_client):
    admin_client.post(reverse("workcal:seed"), {"year": 2026})
    holiday = DateOverride.objects.get(date=date(2026, 10, 5))
    confirm = admin_client.get(reverse("workcal:override_delete", args=[holiday.pk]))
    assert confirm.status_code == 200
    admin_client.post(reverse("workcal:override_delete", args=[holiday.pk]))
    assert not DateOverride.objects.filter(pk=holiday.pk).exists()
    assert is_working_day(date(2026, 10, 5))


def test_seeding_unknown_year_shows_message(admin_client):
    response = admin_client.post(reverse("workcal:seed"), {"year": 2099}, follow=True)
    assert response.status_code == 200
    assert "2099" in " ".join(str(m) for m in response.context["messages"])
    assert not DateOverride.objects.exists()
