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
