"""Demo complaints: a dozen cases in every state across October and November 2026.

Each case is played through the same services the pages call, at the times given, so
clocks, history, contacts and satisfaction are all real. Idempotent: nothing is
added once the demo complaints exist. The working calendar comes from workcal's demo
(2026 holidays and make-up days).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from telephony_admin.org.models import Department

from . import services as s
from .models import Complaint, ReplyTemplate, ReplyUse
from .sla import sla_sweep

ZONE = ZoneInfo("Asia/Shanghai")
DEMO_PHONE_PREFIX = "1390000"


def t(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=ZONE)


def _users() -> dict:
    User = get_user_model()
    wanted = ("agent", "cshead", "handler", "head")
    users = {u.username: u for u in User.objects.filter(username__in=wanted)}
    return users if len(users) == len(wanted) else {}


def _dept(code: str) -> int:
    return Department.objects.get(code=code).pk


# Reply templates administration keeps (placeholders fill from the case).
DEMO_TEMPLATES = [
    (
        "受理确认",
        ReplyUse.ACKNOWLEDGEMENT,
        "您的来电已受理（{ticket}）",
        "{customer}您好，您反映的问题已受理，编号{ticket}。我们正在请责任部门核实，"
        "会尽快给您答复。如有疑问请拨打热线{hotline}。客服{agent}",
    ),
    (
        "处理结果告知",
        ReplyUse.RESULT,
        "您的投诉 {ticket} 处理结果",
        "{customer}您好，您{accepted}反映的问题（编号{ticket}）经{department}处理，"
        "结果如下：{result}。如仍有问题，请拨打热线{hotline}。客服{agent}",
    ),
    (
        "回访话术",
        ReplyUse.CALLBACK,
        "",
        "{customer}您好，我是客服{agent}。您之前反映的问题（编号{ticket}）已处理，"
        "想了解一下您对处理过程和结果是否满意？",
    ),
    (
        "致歉",
        ReplyUse.APOLOGY,
        "关于您的投诉 {ticket}",
        "{customer}您好，对给您带来的不便我们深表歉意。{result}。"
        "感谢您的理解与支持，热线{hotline}。客服{agent}",
    ),
]


def _seed_templates(stdout) -> None:
    made = 0
    for name, use, subject, body in DEMO_TEMPLATES:
        _, created = ReplyTemplate.objects.get_or_create(
            name=name, defaults={"use": use, "subject": subject, "body": body}
        )
        made += created
    if made:
        stdout.write(f"complaints: {made} reply templates")


def seed(*, stdout) -> None:
    _seed_templates(stdout)
    if Complaint.objects.filter(contact_phone__startswith=DEMO_PHONE_PREFIX).exists():
        stdout.write("complaints: demo cases already there")
        return
    users = _users()
    if not users:
        stdout.write("complaints: demo users missing (seed org first); skipped")
        return
    _ensure_calendar()
    agent, cshead = users["agent"], users["cshead"]
    tec_head, sal_head = users["handler"], users["head"]

    def new(when, n, name, content, kind="complaint", complexity="general", **kw):
        return s.complaint_register(
            user=agent,
            customer_name=name,
            contact_phone=f"{DEMO_PHONE_PREFIX}{n:04d}",
            content=content,
            kind=kind,
            complexity=complexity if kind == "complaint" else "",
            channel=kw.pop("channel", "hotline"),
            unit=kw.pop("unit", ""),
            accepted_at=when,
            now=kw.pop("now", when),
            **kw,
        ).pk

    def reply(pk, when, text="已受理，正在核实，稍后答复"):
        s.contact_log(
            user=agent, complaint_id=pk, summary=text, purpose="reply", now=when
        )

    def send(pk, when, dept):
        s.complaint_send(
            user=agent, complaint_id=pk, department_id=_dept(dept), now=when
        )

    def handle(pk, when, head, *, founded=True, solve=True, give_back=True):
        s.complaint_verify(
            user=head,
            complaint_id=pk,
            founded=founded,
            explanation="经核实属实" if founded else "经核实为客户操作不当",
            now=when,
        )
        if founded and solve:
            s.complaint_solve(
                user=head,
                complaint_id=pk,
                findings="设备配置问题",
                solution="已上门调整配置并测试",
                now=when + timedelta(hours=1),
            )
            if give_back:
                s.complaint_return(
                    user=head,
                    complaint_id=pk,
                    now=when + timedelta(hours=1, minutes=10),
                )

    def close(pk, when, score, comment="满意"):
        s.complaint_tell_result(
            user=agent, complaint_id=pk, result="已处理完毕，请您再试", now=when
        )
        s.complaint_callback(
            user=agent,
            complaint_id=pk,
            satisfaction=score,
            comment=comment,
            now=when + timedelta(days=1),
        )
        s.complaint_sign_off(
            user=cshead, complaint_id=pk, now=when + timedelta(days=1, hours=2)
        )

    # 1. Over the make-up Saturday after National Day, closed, very satisfied.
    pk = new(t(10, 9, 10), 1, "王建华", "分机 8201 无法拨打外线", unit="SN-A1001")
    reply(pk, t(10, 9, 10, 40))
    send(pk, t(10, 9, 10, 45), "TEC")
    handle(pk, t(10, 9, 14), tec_head)
    close(pk, t(10, 10, 9), 5)
    # 2./3. A query answered in 40 seconds, a consultation at once.
    new(
        t(10, 10, 9, 30),
        2,
        "李娜",
        "查询话费账单",
        kind="query",
        answer="已告知本月话费明细",
        now=t(10, 10, 9, 30, 40),
    )
    new(
        t(10, 12, 14),
        3,
        "张伟",
        "咨询 400 热线服务时间",
        kind="consultation",
        answer="工作日 8:30–12:00，13:00–17:30",
    )
    # 4. Complex, waited for the customer's invoice, then solved and closed.
    pk = new(
        t(10, 13, 9),
        4,
        "刘洋",
        "新装交换机频繁掉线",
        complexity="complex",
        unit="PBX-2200-778",
    )
    reply(pk, t(10, 13, 9, 50))
    send(pk, t(10, 13, 10), "TEC")
    s.complaint_wait(
        user=tec_head, complaint_id=pk, reason="需客户提供购机发票", now=t(10, 13, 15)
    )
    s.complaint_resume(user=tec_head, complaint_id=pk, now=t(10, 15, 11))
    handle(pk, t(10, 16, 9), tec_head)
    close(pk, t(10, 19, 10), 4, "处理较慢但结果满意")
    # 5. Unfounded: explained to the customer.
    pk = new(t(10, 20, 11), 5, "陈静", "电话被无故停机", channel="email")
    reply(pk, t(10, 20, 11, 30))
    send(pk, t(10, 20, 11, 35), "SAL")
    handle(pk, t(10, 20, 16), sal_head, founded=False)
    close(pk, t(10, 21, 10), 3, "理解")
    # 6. Simple, first reply late, closed unhappy, then reopened.
    pk = new(t(10, 27, 10), 6, "杨磊", "话机显示屏不亮", complexity="simple")
    reply(pk, t(10, 27, 15))
    send(pk, t(10, 27, 15, 5), "TEC")
    handle(pk, t(10, 27, 16), tec_head)
    close(pk, t(10, 28, 9), 2, "问题仍然存在")
    s.complaint_reopen(
        user=agent, complaint_id=pk, reason="客户反映问题复现", now=t(11, 2, 9)
    )
    # 7. Solved by sales and returned: the agent must tell the customer.
    pk = new(t(11, 3, 9, 30), 7, "赵敏", "销售人员承诺的套餐未生效", channel="walk_in")
    reply(pk, t(11, 3, 10))
    send(pk, t(11, 3, 10, 5), "SAL")
    handle(pk, t(11, 3, 14), sal_head)
    # 8. Serious: taken over by the technical manager, verified.
    pk = new(t(11, 10, 9), 8, "黄勇", "机房停电导致全楼电话中断", complexity="complex")
    reply(pk, t(11, 10, 9, 20))
    send(pk, t(11, 10, 9, 25), "TEC")
    s.complaint_take_over(
        user=tec_head,
        complaint_id=pk,
        note="影响面大，由经理负责",
        now=t(11, 10, 9, 40),
    )
    handle(pk, t(11, 10, 11), tec_head, solve=False)
    # 9. Customer told the result, waiting for the callback visit.
    pk = new(t(11, 16, 10), 9, "周杰", "传真机无法接收", unit="FAX-3300")
    reply(pk, t(11, 16, 10, 30))
    send(pk, t(11, 16, 10, 35), "TEC")
    handle(pk, t(11, 16, 15), tec_head)
    s.complaint_tell_result(
        user=agent, complaint_id=pk, result="已修复传真线路", now=t(11, 17, 9)
    )
    # 10. Sent to sales, nobody acted: overdue.
    pk = new(t(11, 18, 14), 10, "吴霞", "长途话费多收")
    reply(pk, t(11, 18, 14, 30))
    send(pk, t(11, 18, 14, 40), "SAL")
    # 11. Complex, waiting for the customer (clocks paused).
    pk = new(t(11, 19, 9), 11, "徐明", "要求更换全部话机", complexity="complex")
    reply(pk, t(11, 19, 9, 45))
    send(pk, t(11, 19, 10), "TEC")
    s.complaint_wait(
        user=tec_head, complaint_id=pk, reason="等待客户确认更换数量", now=t(11, 19, 14)
    )
    # 12./13. A query answered late; a complaint only registered (first reply due).
    new(
        t(11, 20, 10),
        12,
        "孙超",
        "查询维修进度",
        kind="query",
        answer="维修单已派工",
        now=t(11, 20, 10, 1, 30),
    )
    new(t(11, 20, 16), 13, "马平", "热线占线打不进来", channel="phone")
    fired = sla_sweep()
    stdout.write(f"complaints: 13 demo cases, {fired} escalations recorded")


def _ensure_calendar() -> None:
    from telephony_admin.workcal.models import DateOverride
    from telephony_admin.workcal.services import calendar_seed_year

    if not DateOverride.objects.filter(date__year=2026).exists():
        calendar_seed_year(year=2026)
