from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine

from callcenter import demo
from callcenter.models import HotlineCall, Message, Shift, SwitchboardCall
from callcenter.rosters import coverage_gaps


@pytest.mark.usefixtures("seeded_calendar")
@time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
def test_demo_seed_is_idempotent_and_shows_a_gap(db):
    from telephony_admin.org import demo as org_demo

    org_demo.seed(stdout=StringIO())
    demo.seed(stdout=StringIO())
    counts = (
        SwitchboardCall.objects.count(),
        HotlineCall.objects.filter(outcome="missed").exists(),
        Shift.objects.count(),
        Message.objects.count(),
    )
    demo.seed(stdout=StringIO())
    assert counts[0] > 10 and counts[1] and counts[2] > 20 and counts[3] == 3
    assert SwitchboardCall.objects.count() == counts[0]
    assert any(
        g.service == "hotline"
        for g in coverage_gaps(start=datetime(2026, 3, 12).date(), days=1)
    )
