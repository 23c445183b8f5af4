"""The demo seeds a dozen cases in various states, once."""

import io

import pytest
import time_machine

from callcenter.complaints.models import Complaint, Status

from .conftest import at


@pytest.mark.usefixtures("cal")
def test_demo_seeds_cases_in_every_state_idempotently():
    from callcenter.complaints import demo
    from telephony_admin.org import demo as org_demo

    org_demo.seed(stdout=io.StringIO())
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        demo.seed(stdout=io.StringIO())
        demo.seed(stdout=io.StringIO())
    assert Complaint.objects.count() == 13
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {
        Status.CLOSED,
        Status.SENT,
        Status.VERIFIED,
        Status.RETURNED,
        Status.CUSTOMER_TOLD,
        Status.WAITING,
        Status.REGISTERED,
    } <= statuses
    assert Complaint.objects.filter(reopen_count=1).count() == 1


def test_demo_seeds_chinese_reply_templates_with_known_placeholders_once(db):
    import io

    from callcenter.complaints import demo
    from callcenter.complaints.models import ReplyTemplate
    from callcenter.complaints.replies import placeholder_errors

    demo.seed(stdout=io.StringIO())  # no demo users: the templates still come
    demo.seed(stdout=io.StringIO())
    templates = list(ReplyTemplate.objects.all())
    assert len(templates) == len(demo.DEMO_TEMPLATES) == 4
    assert {t.use for t in templates} == {
        "acknowledgement",
        "result",
        "callback",
        "apology",
    }
    for t in templates:
        assert placeholder_errors(t.subject + t.body) == []
        assert "您好" in t.body
