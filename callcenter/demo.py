"""Demo data: a week of switchboard and hotline calls, rosters, open messages."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from telephony_admin.core import config
from telephony_admin.org.models import Employee
from telephony_admin.workcal.calendar import is_working_day, is_working_time

from .models import HotlineCall, Message, Service, Shift, SwitchboardCall

CALLERS = [
    ("王先生", "华为技术有限公司"),
    ("李女士", "中国移动"),
    ("张经理", "上海电气"),
    ("刘工", "苏州精密机械"),
    ("陈小姐", "顺丰速运"),
    ("赵主任", "市税务局"),
    ("黄总", "杭州新材料"),
    ("周先生", ""),
]
PURPOSES = [
    "合同事宜",
    "报价咨询",
    "送货安排",
    "发票问题",
    "面试",
    "拜访预约",
    "投诉转接",
]
HOTLINE_TOPICS = [
    "咨询产品保修期限",
    "询问配件价格",
    "反映设备异响，已登记",
    "查询维修进度",
    "要求上门安装",
    "咨询发票开具",
]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _by_number(number: str) -> Employee | None:
    return Employee.objects.filter(number=number).first()


def seed(*, stdout) -> None:
    if SwitchboardCall.objects.exists() or Shift.objects.exists():
        stdout.write("callcenter: demo data already present")
        return
    operator = _by_number("A0006")
    agent = _by_number("A0008")
    cs_head = _by_number("A0007")
    if operator is None or agent is None:
        stdout.write("callcenter: seed the org demo first")
        return
    staff = list(
        Employee.objects.filter(is_active=True)
        .exclude(pk__in=[operator.pk, agent.pk])
        .order_by("number")[:30]
    )
    second_operator = next(
        e for e in staff if e.department_id == operator.department_id
    )
    rng = random.Random(7)
    today = timezone.localdate()
    with transaction.atomic():
        _calls(rng, today, operator, agent, staff)
        _roster(today, operator, second_operator, agent, cs_head)
        _messages(today, operator, staff)
        if not config.get("callcenter.technical_contact"):
            tech = _by_number("A0009")
            if tech is not None:
                config.set_value("callcenter.technical_contact", tech.number)
    stdout.write("callcenter: a week of calls, two weeks of rosters, open messages")


def _calls(rng, today, operator, agent, staff) -> None:
    switchboard, hotline = [], []
    for back in range(7, 0, -1):
        day = today - timedelta(days=back)
        if not is_working_day(day):
            continue
        for _i in range(rng.randint(6, 10)):
            name, org = rng.choice(CALLERS)
            outcome = rng.choice(
                ["transferred"] * 5 + ["answered", "message", "refused"]
            )
            person = (
                rng.choice(staff) if outcome in ("transferred", "message") else None
            )
            started = _at(day, rng.randint(8, 17), rng.randint(0, 59))
            switchboard.append(
                SwitchboardCall(
                    started_at=started,
                    answered_at=started,
                    ended_at=started + timedelta(seconds=60),
                    duration_seconds=rng.randint(20, 240),
                    caller_name=name,
                    caller_organisation=org,
                    caller_number=f"021{rng.randint(10000000, 99999999)}",
                    purpose="要员工手机号"
                    if outcome == "refused"
                    else rng.choice(PURPOSES),
                    operator=operator,
                    outcome=outcome,
                    transferred_to=person,
                    private_info_requested=outcome == "refused",
                )
            )
        for _i in range(rng.randint(8, 14)):
            started = _at(day, rng.randint(8, 18), rng.randint(0, 59))
            outcome = rng.choice(["answered"] * 8 + ["missed", "abandoned"])
            in_hours = is_working_time(started)
            hotline.append(
                HotlineCall(
                    started_at=started,
                    answered_at=started if outcome == "answered" else None,
                    ended_at=started + timedelta(minutes=3),
                    duration_seconds=rng.randint(60, 330)
                    if outcome == "answered"
                    else 0,
                    caller_number=f"13{rng.randint(100000000, 999999999)}",
                    content=rng.choice(HOTLINE_TOPICS) if outcome == "answered" else "",
                    agent=agent,
                    outcome=outcome,
                    in_service_hours=in_hours,
                    entered_late=not in_hours,
                )
            )
    SwitchboardCall.objects.bulk_create(switchboard)
    HotlineCall.objects.bulk_create(hotline)


def _roster(today, operator, second_operator, agent, cs_head) -> None:
    monday = today - timedelta(days=today.weekday())
    shifts = []
    for offset in range(14):
        day = monday + timedelta(days=offset)
        if not is_working_day(day):
            continue
        shifts += [
            Shift(
                service=Service.SWITCHBOARD,
                date=day,
                starts_at=_at(day, 8),
                ends_at=_at(day, 13),
                employee=operator,
            ),
            Shift(
                service=Service.SWITCHBOARD,
                date=day,
                starts_at=_at(day, 13),
                ends_at=_at(day, 18),
                employee=second_operator,
            ),
        ]
        # Next Thursday afternoon is left open: the roster shows the gap in red.
        hotline_end = _at(day, 12) if offset == 10 else _at(day, 17, 30)
        shifts.append(
            Shift(
                service=Service.HOTLINE,
                date=day,
                starts_at=_at(day, 8, 30),
                ends_at=hotline_end,
                employee=agent,
                delegate=cs_head,
            )
        )
    Shift.objects.bulk_create(shifts)


def _messages(today, operator, staff) -> None:
    now = timezone.now()
    minutes = config.get("callcenter.message_return_minutes")
    for index, (name, org) in enumerate(CALLERS[:3]):
        created = now - timedelta(minutes=40 * index)
        Message.objects.create(
            recipient=staff[index],
            caller_name=name,
            caller_organisation=org,
            caller_number=f"0755{8000000 + index}",
            content="请尽快回电，关于" + PURPOSES[index],
            urgency="urgent" if index == 0 else "normal",
            taken_by=operator.user,
            created_at=created,
            due_at=created + timedelta(minutes=minutes),
        )
