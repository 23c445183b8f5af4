"""Pages: upload with progress, calls by scope, export, unattributed, number plan."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from billing.models import BillImport, CallRecord, ImportStatus, NumberRule
from billing.summaries import call_summaries_of_periods


@pytest.fixture
def imported(company, lines, write_bill, run_import):
    return run_import(write_bill())


def test_upload_runs_the_import_in_celery_and_reports_status__R_BIL_2(
    client, company, lines, write_bill, django_capture_on_commit_callbacks
):
    client.force_login(company.admin.user)
    data = write_bill().read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("billing:import_upload"),
            {
                "file": SimpleUploadedFile("bill.csv", data),
                "period": "2026-10",
                "carrier": "中国电信",
            },
        )
    bill_import = BillImport.objects.get()
    assert response.url == reverse("billing:import_detail", args=[bill_import.pk])
    status = client.get(reverse("billing:import_status", args=[bill_import.pk])).json()
    assert status["status"] == ImportStatus.SUCCEEDED and status["progress"] == 100
    assert status["rows_imported"] == 4
    page = client.get(response.url)
    assert b"Calls imported" in page.content
    assert bill_import.file.name.startswith("billing/imports/2026-10/")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bill.pdf", b"%PDF", "Unsupported file type"),
        ("bill.csv", b"a,b\n" + b"\x80\xff\xff" * 8, "neither UTF-8"),
        ("bill.xlsx", b"not a zip", "not a readable Excel"),
    ],
)
def test_upload_validates_the_file(client, company, name, content, reason):
    client.force_login(company.admin.user)
    response = client.post(
        reverse("billing:import_upload"),
        {"file": SimpleUploadedFile(name, content), "period": "2026-10"},
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not BillImport.objects.exists()


@pytest.mark.parametrize("username", ["employee", "head_sales", "finance", "gm"])
def test_only_administration_imports_bills(client, company, username):
    client.force_login(getattr(company, username).user)
    for name in ("import_upload", "imports", "unattributed", "number_plan", "rule_add"):
        assert client.get(reverse(f"billing:{name}")).status_code == 403
    assert client.post(reverse("billing:unattributed_refresh")).status_code == 403


def test_import_pages_are_for_administration_only(client, company, imported):
    client.force_login(company.head_sales.user)
    for name in ("import_detail", "import_status"):
        url = reverse(f"billing:{name}", args=[imported.pk])
        assert client.get(url).status_code == 403


def _lines_seen(client, **params):
    response = client.get(reverse("billing:calls"), {"month": "2026-10", **params})
    assert response.status_code == 200
    return {c.line_number for c in response.context["calls"]}


def test_call_records_by_scope(client, company, imported):
    client.force_login(company.employee.user)  # own line 01
    assert _lines_seen(client) == {"057187000001"}
    client.force_login(company.employee_east.user)
    assert _lines_seen(client) == {"057187000002"}
    client.force_login(company.head_sales.user)  # sales and sales east
    assert _lines_seen(client) == {"057187000001", "057187000002"}
    client.force_login(company.head_cs.user)
    assert _lines_seen(client) == set()
    for username in ("admin", "finance", "gm"):
        client.force_login(getattr(company, username).user)
        assert _lines_seen(client) == {"057187000001", "057187000002"}


def test_an_operator_sees_only_own_calls(client, company, imported):
    client.force_login(company.operator.user)
    assert _lines_seen(client) == set()


def test_anonymous_is_sent_to_login(client, imported):
    response = client.get(reverse("billing:calls"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_filters_totals_and_keyset_pages(client, company, imported, settings):
    from telephony_admin.core import config

    config.set_value("billing.calls_page_size", "3")
    client.force_login(company.admin.user)
    response = client.get(reverse("billing:calls"), {"month": "2026-10"})
    assert response.context["totals"]["count"] == 4
    assert str(response.context["totals"]["charge"]) == "1.10"
    first = [c.pk for c in response.context["calls"]]
    assert len(first) == 3 and response.context["next_url"]
    older = client.get(reverse("billing:calls") + response.context["next_url"])
    second = [c.pk for c in older.context["calls"]]
    assert len(second) == 1 and not set(first) & set(second)
    premium = client.get(reverse("billing:calls"), {"month": "2026-10", "flag": "8"})
    assert [c.called_number for c in premium.context["calls"]] == ["16812345"]
    dept = client.get(
        reverse("billing:calls"),
        {"month": "2026-10", "department": company.dept_sales_east.pk},
    )
    assert dept.context["totals"]["count"] == 2
    assert (
        client.get(reverse("billing:calls"), {"month": "2026-09"}).context["totals"][
            "count"
        ]
        == 0
    )


def test_excel_export_of_the_filtered_calls(client, company, imported):
    CallRecord.objects.filter(called_number="82215279").update(
        carrier_call_type="=HYPERLINK(1)"
    )
    client.force_login(company.employee.user)
    response = client.get(reverse("billing:call_export"), {"month": "2026-10"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 3  # header + the employee's two calls
    assert {r[1] for r in rows[1:]} == {"057187000001"}
    assert "'=HYPERLINK(1)" in {r[6] for r in rows[1:]}


def test_unattributed_page_and_assign_the_line(client, company, write_bill, run_import):
    run_import(write_bill())
    client.force_login(company.admin.user)
    page = client.get(reverse("billing:unattributed"))
    assert {r["line_number"] for r in page.context["rows"]} == {
        "057187000001",
        "057187000002",
    }
    url = reverse("billing:unattributed_resolve", args=["057187000001"])
    response = client.post(
        url, {"department": company.dept_sales.pk, "owner": company.employee.pk}
    )
    assert response.status_code == 302
    assert CallRecord.objects.filter(owner=company.employee).count() == 2


def test_number_plan_page_classifies_and_adds_rules(client, company):
    client.force_login(company.admin.user)
    page = client.get(reverse("billing:number_plan"), {"number": "16812345"})
    assert page.context["result"]["label"] == "Premium voice information"
    response = client.post(
        reverse("billing:rule_add"),
        {
            "kind": "class",
            "prefix": "95105",
            "call_class": "premium",
            "min_length": 8,
            "max_length": 8,
            "valid_from": "2026-11-01",
            "note": "声讯",
        },
    )
    assert response.status_code == 302
    assert NumberRule.objects.filter(prefix="95105").exists()
    client.force_login(company.head_sales.user)
    assert client.get(reverse("billing:number_plan")).status_code == 403


def test_home_panel_shows_my_calls(client, company, imported, time_machine):
    time_machine.move_to("2026-10-20 10:00 +0800")
    client.force_login(company.employee.user)
    response = client.get(reverse("home"))
    assert "My calls in 2026-10" in response.content.decode()
    assert "2 calls" in response.content.decode()
    time_machine.move_to("2026-11-15 10:00 +0800")  # October's bill, read in November
    client.force_login(company.employee.user)
    assert "2 calls" in client.get(reverse("home")).content.decode()


def _page(client, url, params=None):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_keyset_pages_go_older_and_back_newer(client, company, imported):
    from telephony_admin.core import config

    config.set_value("billing.calls_page_size", "1")
    client.force_login(company.admin.user)
    url = reverse("billing:calls")
    pages = [_page(client, url, {"month": "2026-10"})]
    while pages[-1].context["next_url"]:
        pages.append(_page(client, url + pages[-1].context["next_url"]))
    seen = [c.pk for p in pages for c in p.context["calls"]]
    assert len(seen) == 4 == len(set(seen))
    assert pages[0].context["previous_url"] is None
    back = [pages[-1]]
    while back[-1].context["previous_url"]:
        back.append(_page(client, url + back[-1].context["previous_url"]))
    assert [c.pk for p in reversed(back) for c in p.context["calls"]] == seen
    assert (
        pages[2].context["first_url"] and "after" not in pages[2].context["first_url"]
    )


def test_a_broken_cursor_shows_the_first_page(client, company, imported):
    client.force_login(company.admin.user)
    response = _page(
        client, reverse("billing:calls"), {"month": "2026-10", "after": "2026-99_x"}
    )
    assert len(response.context["calls"]) == 4


def test_call_list_defaults_to_the_latest_billed_month(client, company, imported):
    client.force_login(company.admin.user)
    response = _page(client, reverse("billing:calls"))
    assert response.context["totals"]["count"] == 4
    assert "month=2026-10" in response.context["export_url"]


def test_totals_are_shown_to_the_fen__R_BIL_7(client, company, imported):
    CallRecord.objects.filter(called_number="82215279").update(charge="1234.5")
    # A raw correction (the admin's path rebuilds the month's summaries too).
    call_summaries_of_periods([imported.period_id])
    client.force_login(company.admin.user)
    html = _page(client, reverse("billing:calls"), {"month": "2026-10"}).content
    assert b'data-testid="total-charge">1,235.40<' in html


def test_call_list_queries_do_not_grow_with_rows(
    client, company, imported, write_bill, run_import, django_assert_max_num_queries
):
    client.force_login(company.admin.user)
    # 14: one of them looks up the month's id (the list filters by it).
    with django_assert_max_num_queries(14):
        _page(client, reverse("billing:calls"), {"month": "2026-10"})
    for carrier in ("B", "C", "D"):
        run_import(write_bill(), carrier=carrier)
    with django_assert_max_num_queries(14):
        response = _page(client, reverse("billing:calls"), {"month": "2026-10"})
    assert len(response.context["calls"]) == 16


def test_import_and_unattributed_lists_do_a_fixed_number_of_queries(
    client, company, write_bill, run_import, django_assert_max_num_queries
):
    for carrier in ("A", "B", "C"):
        run_import(write_bill(), carrier=carrier)
    client.force_login(company.admin.user)
    for name in ("imports", "import_upload", "unattributed", "number_plan"):
        with django_assert_max_num_queries(12):
            _page(client, reverse(f"billing:{name}"))


def test_filter_choices_follow_the_scope(client, company, imported):
    client.force_login(company.employee.user)
    form = _page(client, reverse("billing:calls")).context["filter"].form
    assert list(form.fields["owner"].queryset) == [company.employee]
    assert "department" not in form.fields
    client.force_login(company.head_sales.user)
    form = _page(client, reverse("billing:calls")).context["filter"].form
    assert set(form.fields["department"].queryset) == {
        company.dept_sales,
        company.dept_sales_east,
    }
    assert company.cs_agent not in form.fields["owner"].queryset


def test_another_departments_head_cannot_see_its_calls_by_filtering(
    client, company, imported
):
    client.force_login(company.head_cs.user)
    for params in ({"department": company.dept_sales.pk}, {"line": "0571"}):
        assert _lines_seen(client, **params) == set()
    response = client.get(reverse("billing:call_export"), {"month": "2026-10"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(list(book.active.iter_rows(values_only=True))) == 1  # header only


def test_dry_run_page_lists_every_error_with_row_column_and_reason__R_BIL_2(
    client, company, lines, write_bill, run_import
):
    from billing.tests.conftest import ROWS

    rows = [
        *ROWS,
        ["057187000001", "82215279", "2026-10-09 07:45:07", "x", "本地", "1"],
    ]
    rows.append(["057187000001", "82215279", "2026-10-09 08:45:07", "7", "本地", "元"])
    bill_import = run_import(write_bill(rows), dry_run=True)
    client.force_login(company.admin.user)
    html = _page(
        client, reverse("billing:import_detail", args=[bill_import.pk])
    ).content.decode()
    assert bill_import.error_count == 2
    assert ">6<" in html and ">7<" in html  # row numbers
    assert "Calls the bill would replace" in html and "rows-imported" not in html
    assert "0.00" not in html.split('data-testid="total-charge"')[1][:60]
    assert not CallRecord.objects.exists()


def test_closed_month_upload_is_refused_with_a_clear_message(
    client, company, write_bill
):
    from billing.models import BillingPeriod, PeriodStatus

    BillingPeriod.objects.create(month="2026-10-01", status=PeriodStatus.CLOSED)
    client.force_login(company.admin.user)
    data = write_bill().read_bytes()
    response = client.post(
        reverse("billing:import_upload"),
        {
            "file": SimpleUploadedFile("bill.csv", data),
            "period": "2026-10",
            "carrier": "中国联通",
        },
    )
    assert "The billing month 2026-10 is closed" in response.content.decode()
    form = response.context["form"]  # keeps what the user typed
    assert (form["period"].value(), form["carrier"].value()) == ("2026-10", "中国联通")
    assert not BillImport.objects.exists()


def test_attributing_again_from_the_directory_is_audited__R_BIL_3(
    client, company, write_bill, run_import
):
    from telephony_admin.core.models import AuditEvent

    run_import(write_bill())
    from extensions.tests.factories import make_line

    from .conftest import at

    make_line(
        "057187000001", company.dept_sales, company.employee, starts_at=at(2026, 9, 1)
    )
    client.force_login(company.admin.user)
    response = client.post(reverse("billing:unattributed_refresh"))
    assert response.status_code == 302
    assert CallRecord.objects.filter(owner=company.employee).count() == 2
    event = AuditEvent.objects.get(action="billing.calls_reattributed")
    assert event.actor == company.admin.user and event.details == {"calls": 2}


def test_import_outcome_is_shown_in_the_readers_language(client, company, imported):
    BillImport.objects.update(message="已导入 4 次通话。")  # stored by a Chinese worker
    client.force_login(company.admin.user)
    url = reverse("billing:import_detail", args=[imported.pk])
    assert "4 calls imported." in _page(client, url).content.decode()
    status = client.get(reverse("billing:import_status", args=[imported.pk])).json()
    assert status["message"] == "4 calls imported."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"valid_until": "2026-10-01"}, "valid_until", "cannot end before it starts"),
        ({"min_length": 9, "max_length": 8}, "max_length", "below the minimum"),
        ({"call_class": ""}, "call_class", "Choose the class"),
    ],
)
def test_number_rule_form_says_what_is_wrong_and_keeps_the_input(
    client, company, changes, field, message
):
    data = {
        "kind": "class",
        "prefix": "95105",
        "call_class": "premium",
        "min_length": 8,
        "max_length": 8,
        "valid_from": "2026-11-01",
        "note": "声讯",
    } | changes
    client.force_login(company.admin.user)
    response = client.post(reverse("billing:rule_add"), data)
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not form.non_field_errors()  # no raw "Constraint ... is violated"
    assert form["note"].value() == "声讯"
    assert not NumberRule.objects.filter(prefix="95105").exists()
