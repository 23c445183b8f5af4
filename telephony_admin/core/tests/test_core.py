from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from openpyxl import load_workbook

from telephony_admin.core import config
from telephony_admin.core.excel import table_sheet, write_workbook
from telephony_admin.core.models import AuditEvent, Notification
from telephony_admin.core.services import Message, notify, notify_many

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_healthz_names_the_failed_broker(client):
    with mock.patch(
        "telephony_admin.celery.app.connection_for_write", side_effect=OSError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


def test_notify_creates_bell_entries_and_email(
    company, django_capture_on_commit_callbacks
):
    c = company
    c.employee.user.email = "zhang@example.com"
    c.employee.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[c.employee, c.employee.user, None],
            title="Hello",
            body="b",
            url="/complaints/7/",
        )
    assert Notification.objects.filter(recipient=c.employee.user).count() == 1
    assert [m.to for m in mail.outbox] == [["zhang@example.com"]]
    # The e-mail's link works outside the site: it is absolute (SITE_URL).
    assert mail.outbox[0].body.endswith("\n\nhttp://127.0.0.1:8000/complaints/7/")


def test_notify_many_sends_every_message_in_one_insert(
    company, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """For jobs that tell many people at once: one INSERT, one email sweep queued;
    inactive users and employees without a login are skipped as by ``notify``."""
    from datetime import timedelta

    from django.utils import timezone

    c = company
    c.finance.user.is_active = False
    c.finance.user.save()
    later = timezone.now() + timedelta(hours=1)
    messages = [
        Message([c.employee, c.finance], "One", "b1", "/one/"),
        Message([c.head_sales, c.employee.user], "Two"),
        Message([c.admin], "Later", not_before=later),
    ]
    with (
        django_capture_on_commit_callbacks() as callbacks,
        django_assert_num_queries(1),
    ):
        created = notify_many(messages=messages)
    assert len(created) == 4
    assert len(callbacks) == 1  # one email sweep for the lot
    rows = Notification.objects.values_list("recipient__username", "title", "url")
    assert sorted(rows) == [
        ("admin", "Later", ""),
        ("employee", "One", "/one/"),
        ("employee", "Two", ""),
        ("head_sales", "Two", ""),
    ]
    assert Notification.objects.get(title="Later").not_before == later


def test_notify_many_with_nobody_to_tell_writes_nothing(
    company, django_capture_on_commit_callbacks, django_assert_num_queries
):
    company.employee.user.is_active = False
    company.employee.user.save()
    messages = [Message([company.employee, None], "x"), Message([], "y")]
    with (
        django_capture_on_commit_callbacks() as callbacks,
        django_assert_num_queries(0),
    ):
        assert notify_many(messages=messages) == []
    assert callbacks == []


def test_bell_shows_unread_count(client, company):
    c = company
    notify(recipients=[c.employee], title="Hello")
    client.force_login(c.employee.user)
    html = client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in html
    client.post("/notifications/read/", {})
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_settings_page_changes_a_setting_with_audit(client, company):
    client.force_login(company.admin.user)
    data = {key: s.render(config.get(key)) for key, s in config.REGISTRY.items()}
    data["approvals.reminder_working_hours"] = "4"
    response = client.post("/settings/", data)
    assert response.status_code == 302
    assert config.get("approvals.reminder_working_hours") == 4
    assert AuditEvent.objects.filter(action="config.set").exists()


def test_settings_page_rejects_bad_values_and_keeps_input(client, company):
    client.force_login(company.admin.user)
    data = {key: s.render(config.get(key)) for key, s in config.REGISTRY.items()}
    data["approvals.reminder_working_hours"] = "abc"
    response = client.post("/settings/", data)
    assert response.status_code == 200
    assert 'value="abc"' in response.content.decode()


def test_excel_cells_never_carry_formulas_from_user_text(tmp_path):
    path = tmp_path / "t.xlsx"
    rows = [["=SUM(A1:A9)", Decimal("1.50")], ["@x", 2]]
    write_workbook(str(path), [table_sheet("t", ["name", "amount"], rows)])
    sheet = load_workbook(path)["t"]
    assert sheet["A2"].data_type == "s" and not str(sheet["A2"].value).startswith("=")
    assert sheet["B2"].value == 1.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"


def test_home_page_has_a_fixed_number_of_queries(
    client, company, django_assert_max_num_queries
):
    for user in (company.admin.user, company.head_sales.user, company.employee.user):
        client.force_login(user)
        with django_assert_max_num_queries(60):
            assert client.get("/").status_code == 200


def test_debug_console_shows_one_line_per_email():
    """In DEBUG an e-mail is one console line (recipients, subject), not the MIME
    message (issue 15, a newcomer's first minutes)."""
    import io

    from django.core.mail import EmailMessage

    from telephony_admin.core.mail import OneLineConsoleBackend

    stream = io.StringIO()
    backend = OneLineConsoleBackend(stream=stream)
    messages = [
        EmailMessage(
            "待处理投诉 C-1", "正文\n" * 20, to=["a@example.com", "b@example.com"]
        ),
        EmailMessage("无收件人", "x", to=[]),
        EmailMessage("回访到期", "y", to=["c@example.com"]),
    ]
    assert backend.send_messages(messages) == 2
    assert stream.getvalue().splitlines() == [
        "e-mail to a@example.com, b@example.com: 待处理投诉 C-1",
        "e-mail to c@example.com: 回访到期",
    ]


def test_favicon(client):
    """Every page names the icon; /favicon.ico leads to it (issue 15, part 8)."""
    page = client.get("/accounts/login/")
    assert b'rel="icon"' in page.content
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.svg")
