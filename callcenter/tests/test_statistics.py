"""Traffic statistics per month, quarter and year with Excel export (R-SWB-5)."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from django.urls import reverse
from openpyxl import load_workbook

from callcenter.models import HotlineCall, SwitchboardCall
from callcenter.traffic import traffic

TZ = ZoneInfo("Asia/Shanghai")


def _calls():
    # 2026-03-31 23:30 Shanghai is still March although it is March 31 15:30 UTC;
    # 2026-04-01 00:30 Shanghai is April (UTC: March 31 16:30).
    SwitchboardCall.objects.create(
        started_at=datetime(2026, 3, 31, 23, 30, tzinfo=TZ),
        duration_seconds=1800,
        outcome="answered",
    )
    SwitchboardCall.objects.create(
        started_at=datetime(2026, 4, 1, 0, 30, tzinfo=TZ),
        duration_seconds=3600,
        outcome="transferred",
        caller_name="=HYPERLINK()",
    )
    HotlineCall.objects.create(
        started_at=datetime(2026, 3, 2, 10, 0, tzinfo=TZ),
        duration_seconds=5400,
        outcome="answered",
    )
    HotlineCall.objects.create(
        started_at=datetime(2026, 3, 2, 11, 0, tzinfo=TZ), outcome="test"
    )


def test_calls_and_hours_by_month_in_local_time__R_SWB_5(db):
    _calls()
    rows = {r.label: r for r in traffic(period="month", year=2026)}
    assert (
        rows["2026-03"].switchboard_calls,
        str(rows["2026-03"].switchboard_hours),
    ) == (1, "0.50")
    assert (
        rows["2026-04"].switchboard_calls,
        str(rows["2026-04"].switchboard_hours),
    ) == (1, "1.00")
    assert (rows["2026-03"].hotline_calls, str(rows["2026-03"].hotline_hours)) == (
        1,
        "1.50",
    )


def test_quarter_and_year__R_SWB_5(db):
    _calls()
    quarters = {r.label: r for r in traffic(period="quarter", year=2026)}
    assert quarters["2026 Q1"].switchboard_calls == 1
    assert quarters["2026 Q2"].switchboard_calls == 1
    years = {r.label: r for r in traffic(period="year", year=2026)}
    assert years["2026"].switchboard_calls == 2 and years["2026"].hotline_calls == 1
    assert len(years) == 5


def test_excel_export_has_three_sheets__R_SWB_5(client, company):
    _calls()
    client.force_login(company.admin.user)
    response = client.get(
        reverse("callcenter:statistics"), {"year": 2026, "export": "xlsx"}
    )
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["By month", "By quarter", "By year"]
    march = [
        row
        for row in book["By month"].iter_rows(values_only=True)
        if row[0] == "2026-03"
    ]
    assert march[0][1:] == (1, 0.5, 1, 1.5)


def test_statistics_page_has_charts_and_refuses_employees__R_SWB_5(client, company):
    client.force_login(company.head_cs.user)
    html = client.get(reverse("callcenter:statistics")).content.decode()
    assert "chart.umd.min.js" in html and "traffic-data" in html
    client.force_login(company.employee.user)
    assert client.get(reverse("callcenter:statistics")).status_code == 403
