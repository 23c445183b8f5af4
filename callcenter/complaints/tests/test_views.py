"""Pages: intake, the workflow through the detail page, queues, refusals, reports."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from callcenter.complaints.models import ClockKind, Complaint, ComplaintEvent, Status

from .conftest import at
from .factories import register

pytestmark = pytest.mark.usefixtures("cal")


def post_step(client, complaint, action, data, status=302):
    payload = {f"{action}-{key}": value for key, value in data.items()}
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, action]), payload
    )
    assert response.status_code == status, response.content[:2000]
    return response


def login(client, employee):
    client.force_login(employee.user)
    return client


@time_machine.travel(at(2026, 3, 2, 10, 0), tick=False)
def test_intake_registers_and_keeps_input_on_error__R_CMP_1(client, company):
    login(client, company.cs_agent)
    url = reverse("complaints:new")
    assert client.get(url).status_code == 200
    data = {
        "contact_phone": "13912345678",
        "customer_name": "李先生",
        "unit": "SN-0042",
        "channel": "hotline",
        "kind": "complaint",
        "complexity": "",
        "content": "安装后一直没有拨号音",
        "accepted_at": "2026-03-02T09:55",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "SN-0042" in response.content.decode()  # kept what was typed
    assert not Complaint.objects.exists()
    response = client.post(url, {**data, "complexity": "general"})
    complaint = Complaint.objects.get()
    assert response.url == reverse("complaints:detail", args=[complaint.pk])
    assert complaint.number == "TS-2026-000001"
    assert complaint.agent == company.cs_agent
    assert complaint.accepted_at == at(2026, 3, 2, 9, 55)
    first = complaint.clocks.get(kind=ClockKind.FIRST_REPLY)
    assert first.due_at == at(2026, 3, 2, 11, 55)


def test_lookup_shows_a_repeat_callers_earlier_cases__R_CMP_1(client, company):
    register(company, accepted_at=at(2026, 3, 2, 9, 0), phone="139-1234-5678")
    register(company, accepted_at=at(2026, 3, 2, 9, 5), phone="13700000000")
    login(client, company.cs_agent)
    data = client.get(reverse("complaints:lookup"), {"phone": "13912345678"}).json()
    assert [c["number"] for c in data["cases"]] == ["TS-2026-000001"]


def test_full_workflow_through_the_pages__R_CMP_4_R_CMP_5(client, company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 10, 30), tick=False):
        login(client, company.cs_agent)
        post_step(
            client,
            complaint,
            "contact",
            {
                "purpose": "reply",
                "channel": "phone",
                "summary": "已受理，今天内答复",
            },
        )
        post_step(client, complaint, "send", {"department": company.dept_sales.pk})
        login(client, company.handler)
        page = client.get(reverse("complaints:detail", args=[complaint.pk]))
        assert b'data-testid="action-verify"' in page.content
        post_step(
            client,
            complaint,
            "verify",
            {
                "founded": "yes",
                "explanation": "线路配置错误",
                "note": "内部：配置漏项",
            },
        )
        post_step(
            client,
            complaint,
            "solve",
            {
                "findings": "交换机未开通",
                "solution": "已开通长途权限",
            },
        )
        post_step(client, complaint, "return", {"note": ""})
        login(client, company.cs_agent)
        post_step(
            client,
            complaint,
            "tell_result",
            {
                "result": "已为您开通，请重试",
                "channel": "phone",
            },
        )
        post_step(
            client,
            complaint,
            "callback",
            {
                "satisfaction": "4",
                "comment": "满意",
                "channel": "phone",
            },
        )
        # Only the customer-service head signs off, on the confirmation page.
        confirm = reverse("complaints:sign_off", args=[complaint.pk])
        assert client.post(confirm, {"sign_off-note": ""}).status_code == 403
        complaint.refresh_from_db()
        assert complaint.status == Status.CALLBACK_DONE
        login(client, company.head_cs)
        # The step's own address only leads to the confirmation.
        response = post_step(client, complaint, "sign_off", {"note": ""})
        assert response.url == confirm
        complaint.refresh_from_db()
        assert complaint.status == Status.CALLBACK_DONE
        assert client.get(confirm).status_code == 200
        client.post(confirm, {"sign_off-note": "同意归档"})
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.signed_off_by == company.head_cs
    assert complaint.satisfaction == 4
    # The satisfaction choices are labelled, on the form and on the case.
    login(client, company.head_cs)
    detail = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert detail.status_code == 200, detail
    assert "Satisfied (4/5)" in detail.content.decode()
    actions = list(complaint.events.values_list("action", "actor__user__username"))
    assert actions == [
        ("registered", "cs_agent"),
        ("contact", "cs_agent"),
        ("sent", "cs_agent"),
        ("verified", "handler"),
        ("solved", "handler"),
        ("returned", "handler"),
        ("customer_told", "cs_agent"),
        ("callback", "cs_agent"),
        ("signed_off", "head_cs"),
    ]
    verified = complaint.events.get(action="verified")
    assert verified.internal_note == "内部：配置漏项"
    target = complaint.clocks.get(kind=ClockKind.RESOLUTION_TARGET)
    assert target.state == "met"


def test_unfounded_goes_back_to_customer_service_with_explanation__R_CMP_4(
    client, company
):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    login(client, company.cs_agent)
    post_step(client, complaint, "send", {"department": company.dept_sales.pk})
    login(client, company.handler)
    post_step(
        client, complaint, "verify", {"founded": "no", "explanation": "客户误操作"}
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.RETURNED
    assert complaint.founded is False


def test_serious_case_is_taken_over_by_the_department_manager__R_CMP_4(client, company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    login(client, company.cs_agent)
    post_step(client, complaint, "send", {"department": company.dept_sales.pk})
    login(client, company.handler)
    post_step(client, complaint, "take_over", {"note": ""}, status=403)
    complaint.refresh_from_db()
    assert not complaint.serious  # a handler cannot take over
    login(client, company.head_sales)
    post_step(client, complaint, "take_over", {"note": "重大投诉"})
    post_step(client, complaint, "verify", {"founded": "yes", "explanation": "属实"})
    complaint.refresh_from_db()
    assert complaint.serious and complaint.assignee == company.head_sales
    login(client, company.handler)
    post_step(client, complaint, "solve", {"findings": "x", "solution": "y"}, 403)
    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFIED  # only the manager solves it


def test_reopening_is_audited_and_restarts_reply_and_resolution_clocks__R_CMP_7(
    client, company
):
    from callcenter.complaints import services as s

    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    agent, handler = company.cs_agent.user, company.handler.user
    s.complaint_send(
        user=agent, complaint_id=complaint.pk, department_id=company.dept_sales.pk
    )
    s.complaint_verify(
        user=handler, complaint_id=complaint.pk, founded=False, explanation="无"
    )
    s.complaint_tell_result(user=agent, complaint_id=complaint.pk, result="说明")
    s.complaint_callback(user=agent, complaint_id=complaint.pk, satisfaction=2)
    s.complaint_sign_off(user=company.head_cs.user, complaint_id=complaint.pk)
    login(client, company.cs_agent)
    post_step(client, complaint, "reopen", {"reason": ""}, status=400)
    post_step(client, complaint, "reopen", {"reason": "客户再次来电，问题复现"})
    complaint.refresh_from_db()
    assert complaint.status == Status.SENT
    assert complaint.reopen_count == 1
    # A reopened case is a new acceptance: first reply and resolution start again.
    new_clocks = {c.kind: c for c in complaint.clocks.filter(cycle=1)}
    assert set(new_clocks) == {"first_reply", "resolution_target", "resolution_max"}
    assert all(c.state == "running" for c in new_clocks.values())
    s.contact_log(user=agent, complaint_id=complaint.pk, summary="已收到，正在重新处理")
    assert complaint.clocks.get(kind="first_reply", cycle=1).met_at is not None
    event = ComplaintEvent.objects.get(complaint=complaint, action="reopened")
    assert event.actor == company.cs_agent
    assert event.internal_note == "客户再次来电，问题复现"
    from telephony_admin.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="complaints.reopen").exists()


def test_refusals_by_role_and_department__R_CMP_4(client, company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    login(client, company.cs_agent)
    post_step(client, complaint, "send", {"department": company.dept_sales.pk})
    detail = reverse("complaints:detail", args=[complaint.pk])
    # An employee without a complaint role: 403 everywhere.
    login(client, company.employee)
    assert client.get(reverse("complaints:queue")).status_code == 403
    assert client.get(reverse("complaints:new")).status_code == 403
    # The head of another department: the case does not exist for them.
    login(client, company.head_fin)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("complaints:new")).status_code == 403
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "verify"]),
        {"verify-founded": "yes", "verify-explanation": "x"},
    )
    assert response.status_code == 404
    # The head of the responsible department sees it; the GM sees but cannot act.
    login(client, company.head_sales)
    assert client.get(detail).status_code == 200
    login(client, company.gm)
    assert client.get(detail).status_code == 200
    note_url = reverse("complaints:act", args=[complaint.pk, "note"])
    assert client.post(note_url, {"note-note": "x"}).status_code == 403
    # A handler cannot do customer service's steps.
    login(client, company.handler)
    post_step(
        client, complaint, "tell_result", {"result": "x", "channel": "phone"}, 403
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.SENT


def test_queues_show_clocks_in_colour__R_CMP_3(client, company):
    register(company, accepted_at=at(2026, 3, 2, 10, 0), customer="逾期客户")
    register(company, accepted_at=at(2026, 3, 2, 11, 50), customer="正常客户")
    login(client, company.cs_agent)
    with time_machine.travel(at(2026, 3, 2, 13, 30), tick=False):
        mine = client.get(reverse("complaints:queue"), {"queue": "mine"})
        overdue = client.get(reverse("complaints:queue"), {"queue": "overdue"})
        today = client.get(reverse("complaints:queue"), {"queue": "today"})
    assert "逾期客户" in mine.content.decode() and "正常客户" in mine.content.decode()
    assert "text-bg-danger" in overdue.content.decode()
    assert "逾期客户" in overdue.content.decode()
    assert "正常客户" not in overdue.content.decode()
    assert "正常客户" in today.content.decode()
    filtered = client.get(
        reverse("complaints:queue"),
        {"queue": "all", "department": company.dept_fin.pk},
    )
    assert "逾期客户" not in filtered.content.decode()


def test_service_time_overdue_reads_in_working_days__R_CMP_3(client, company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    login(client, company.cs_agent)
    # The target was due Tue 10:00; by Fri 10:00 three working days have passed
    # (24 service hours), not "1 day".
    with time_machine.travel(at(2026, 3, 6, 10, 0), tick=False):
        page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    html = page.content.decode()
    assert "overdue 3 working days 0h" in html
    assert "overdue 1d" not in html


def test_open_breached_clock_counts_against_the_on_time_rate__R_CMP_6(client, company):
    from callcenter.complaints.sla import sla_sweep

    register(company, accepted_at=at(2026, 3, 2, 10, 0))
    sla_sweep(now=at(2026, 3, 6, 10, 0))  # first reply and resolution both late
    login(client, company.gm)
    with time_machine.travel(at(2026, 3, 6, 10, 0), tick=False):
        response = client.get(reverse("complaints:reports"), {"month": "2026-03"})
    report = response.context["report"]
    assert report.resolution.decided == 1 and report.resolution.rate == 0
    assert report.first_reply.decided == 1 and report.first_reply.rate == 0
    assert report.resolution.measured == 0  # no stored time yet for the median
    assert 'data-testid="resolution-rate">0.00%' in response.content.decode()


def test_attachment_size_and_type_are_checked__R_CMP_7(client, company):
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    login(client, company.cs_agent)
    url = reverse("complaints:attach", args=[complaint.pk])
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    assert client.post(url, {"file": bad}).status_code == 400
    good = SimpleUploadedFile(
        "invoice.pdf", b"%PDF-1.4", content_type="application/pdf"
    )
    assert client.post(url, {"file": good}).status_code == 302
    item = complaint.attachments.get()
    response = client.get(reverse("complaints:attachment", args=[item.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    login(client, company.head_fin)
    assert (
        client.get(reverse("complaints:attachment", args=[item.pk])).status_code == 404
    )


def test_monthly_report_and_excel_export__R_CMP_6(client, company):
    from callcenter.complaints import services as s

    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    s.contact_log(
        user=company.cs_agent.user,
        complaint_id=complaint.pk,
        summary='=HYPERLINK("x")',
        now=at(2026, 3, 2, 11, 0),
    )
    register(
        company,
        accepted_at=at(2026, 3, 3, 9, 0),
        kind="query",
        answer="已查询",
        customer="=cmd",
    )
    login(client, company.gm)
    response = client.get(reverse("complaints:reports"), {"month": "2026-03"})
    report = response.context["report"]
    assert report.total == 2
    assert report.first_reply.measured == 1
    assert report.first_reply.rate == 100
    assert str(report.first_reply.median_hours) == "1.00"
    export = reverse("complaints:export")
    response = client.get(export, {"month": "2026-03"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Volumes", "Cases", "Late cases"]
    chinese = client.get(export, {"month": "2026-03"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    zh = load_workbook(io.BytesIO(chinese.content))
    assert zh.sheetnames == ["概览", "数量", "案件明细", "超时案件"]
    assert list(zh["案件明细"].values)[0][8] == "首次答复是否及时"
    rows = list(book["Summary"].values)
    assert ("Cases", 2) in rows
    cases = list(book["Cases"].values)
    assert cases[2][0] == "TS-2026-000001"
    assert cases[2][8] == "yes"
    assert cases[1][2].endswith("=cmd")  # user text stays text, never a formula
    assert book["Cases"]["C2"].data_type == "s"
    login(client, company.head_fin)  # a head sees only their own departments
    response = client.get(reverse("complaints:reports"), {"month": "2026-03"})
    assert response.context["report"].total == 0
    login(client, company.employee)
    assert client.get(reverse("complaints:reports")).status_code == 403


def test_home_shows_the_agents_mandatory_follow_up__R_CMP_3(client, company):
    from callcenter.complaints.sla import sla_sweep

    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    sla_sweep(now=at(2026, 3, 2, 12, 30))
    login(client, company.cs_agent)
    with time_machine.travel(at(2026, 3, 2, 13, 0), tick=False):
        home = client.get(reverse("home")).content.decode()
    assert 'data-panel="complaint-follow-ups"' in home
    assert complaint.number in home


def test_intake_starts_from_a_logged_hotline_call__R_CMP_1(client, company):
    from callcenter.models import HotlineCall

    call = HotlineCall.objects.create(
        started_at=at(2026, 3, 2, 9, 40),
        caller_number="13811112222",
        caller_name="钱女士",
        content="投诉维修人员迟到",
        agent=company.cs_agent,
    )
    login(client, company.cs_agent)
    with time_machine.travel(at(2026, 3, 2, 9, 45), tick=False):
        page = client.get(reverse("complaints:new"), {"call": call.pk})
        form = page.context["form"]
        assert form.initial["contact_phone"] == "13811112222"
        data = {
            "contact_phone": "13811112222",
            "customer_name": "钱女士",
            "channel": "hotline",
            "kind": "complaint",
            "complexity": "simple",
            "content": "投诉维修人员迟到",
            "accepted_at": "2026-03-02T09:40",
            "hotline_call": str(call.pk),
        }
        client.post(reverse("complaints:new"), data)
    complaint = Complaint.objects.get()
    assert complaint.hotline_call == call
    assert list(call.complaints.all()) == [complaint]


def test_intake_from_an_older_call_keeps_the_link_on_error__R_CMP_1(client, company):
    from callcenter.models import HotlineCall

    call = HotlineCall.objects.create(  # logged afterwards, days ago (R-HOT-3)
        started_at=at(2026, 2, 26, 18, 10),
        caller_number="13811112222",
        caller_name="钱女士",
        content="投诉维修人员迟到",
        agent=company.cs_agent,
    )
    login(client, company.cs_agent)
    data = {
        "contact_phone": "13811112222",
        "customer_name": "钱女士",
        "channel": "hotline",
        "kind": "complaint",
        "complexity": "",  # forgotten: the form comes back
        "content": "投诉维修人员迟到",
        "accepted_at": "2026-02-26T18:10",
        "hotline_call": str(call.pk),
    }
    with time_machine.travel(at(2026, 3, 2, 9, 45), tick=False):
        page = client.post(reverse("complaints:new"), data)
        form = page.context["form"]
        assert set(form.errors) == {"complexity"}
        assert f'value="{call.pk}" selected' in page.content.decode()
        client.post(reverse("complaints:new"), {**data, "complexity": "general"})
    assert Complaint.objects.get().hotline_call == call


def test_settings_page_lists_each_complaint_timer__R_CMP_2_R_CMP_3(client, company):
    login(client, company.admin)
    page = client.get(reverse("core:settings")).content.decode()
    for label in (
        "first reply within (hours)",
        "first-reply clock basis",
        "resolution clocks basis",
        "consultation and query answer clock basis",
        "general complexity, resolution target (working days)",
        "complex, resolution maximum (working days)",
        "warn the assignee at this share of the time",
    ):
        assert label in page, label


def test_callback_satisfaction_choices_are_labelled():
    """非常满意 … 非常不满意, best first (issue 15: labelled satisfaction)."""
    from django.utils import translation

    from callcenter.complaints.forms import CallbackForm

    with translation.override("zh-hans"):
        labels = [
            str(label) for _, label in CallbackForm().fields["satisfaction"].choices
        ]
    assert labels == ["非常满意", "满意", "一般", "不满意", "非常不满意"]


def test_solve_and_return_in_one_step_then_the_sign_off_queue__R_CMP_4_R_CMP_5(
    client, company
):
    """The handler records the solution and returns the case at once; after the
    callback the case waits in the customer-service head's 待签字 queue."""
    from callcenter.complaints import services as s

    now = at(2026, 3, 2, 10, 30)
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    with time_machine.travel(now, tick=False):
        s.complaint_send(
            user=company.cs_agent.user,
            complaint_id=complaint.pk,
            department_id=company.dept_sales.pk,
        )
        s.complaint_verify(
            user=company.handler.user,
            complaint_id=complaint.pk,
            founded=True,
            explanation="属实",
        )
        login(client, company.handler)
        post_step(
            client,
            complaint,
            "solve",
            {"findings": "交换机未开通", "solution": "已开通", "return_now": "on"},
        )
        complaint.refresh_from_db()
        assert complaint.status == Status.RETURNED
        s.complaint_tell_result(
            user=company.cs_agent.user, complaint_id=complaint.pk, result="已开通"
        )
        s.complaint_callback(
            user=company.cs_agent.user, complaint_id=complaint.pk, satisfaction=4
        )
        login(client, company.head_cs)
        page = client.get(reverse("complaints:queue") + "?queue=sign_off")
    assert page.context["queue"] == "sign_off"
    assert [c.pk for c in page.context["page"].object_list] == [complaint.pk]
