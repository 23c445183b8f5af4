"""Demo company: 9 departments, about 60 employees with Chinese names, a user per role."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import Department, Employee, Role
from .services import employee_create_login, roles_ensure_groups, user_set_roles

DEMO_PASSWORD = "demo1234"

DEPARTMENTS = [
    # code, name, parent code
    ("GMO", "总经理办公室", None),
    ("ADM", "综合管理部", None),
    ("FIN", "财务部", None),
    ("SAL", "销售部", None),
    ("SAL-E", "华东销售组", "SAL"),
    ("CS", "客服部", None),
    ("TEC", "技术部", None),
    ("PRD", "生产部", None),
    ("PUR", "采购部", None),
]

# username, number, name, department, title, roles, heads department
DEMO_USERS = [
    ("gm", "A0001", "陈建国", "GMO", "总经理", [Role.GM], True),
    ("admin", "A0002", "刘敏", "ADM", "综合管理部经理", [Role.ADMIN], True),
    ("finance", "A0003", "郑芳", "FIN", "财务经理", [Role.FINANCE], True),
    ("head", "A0004", "王强", "SAL", "销售部经理", [], True),
    ("employee", "A0005", "张伟", "SAL", "销售代表", [], False),
    ("operator", "A0006", "孙丽", "ADM", "话务员", [Role.OPERATOR], False),
    ("cshead", "A0007", "赵磊", "CS", "客服部经理", [Role.CS_HEAD], True),
    ("agent", "A0008", "周静", "CS", "客服专员", [Role.CS_AGENT], False),
    ("handler", "A0009", "吴斌", "TEC", "技术主管", [Role.HANDLER], True),
]

SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "华",
    "鹏",
    "玲",
]
TITLES = ["专员", "主管", "工程师", "助理", "文员"]


def _departments() -> dict[str, Department]:
    by_code: dict[str, Department] = {}
    for order, (code, name, parent) in enumerate(DEPARTMENTS):
        dept, _created = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "sort_order": order, "parent": by_code.get(parent)},
        )
        by_code[code] = dept
    return by_code


def seed(*, stdout) -> None:
    if Employee.objects.filter(number="A0001").exists():
        stdout.write("org: demo company already present")
        return
    roles_ensure_groups()
    depts = _departments()
    gm = None
    for username, number, name, code, title, roles, heads in DEMO_USERS:
        person = Employee.objects.create(
            number=number,
            name=name,
            department=depts[code],
            title=title,
            is_manager=heads,
            office_phone=f"8{number[-3:]}",
            private_mobile=f"139{number[-4:]}{number[-4:]}",
            email=f"{username}@example.com",
            supervisor=gm,
        )
        employee_create_login(
            employee=person, username=username, password=DEMO_PASSWORD
        )
        user_set_roles(user=person.user, roles=roles)
        if heads:
            depts[code].head = person
            depts[code].save(update_fields=["head"])
        if username == "gm":
            gm = person
    heads = {d.code: d.head for d in depts.values()}
    heads["SAL-E"] = None
    heads["PRD"] = heads["PUR"] = None
    codes = [code for code, _name, _parent in DEPARTMENTS]
    for index in range(51):
        code = codes[index % len(codes)]
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
        person = Employee.objects.create(
            number=f"B{index + 1:04d}",
            name=name,
            department=depts[code],
            title=TITLES[index % len(TITLES)],
            office_phone=f"8{index + 100:03d}",
            private_mobile=f"138{index:04d}{index * 3:04d}",
            supervisor=heads.get(code)
            or heads.get(depts[code].parent.code if depts[code].parent else "")
            or gm,
        )
        if (
            heads.get(code) is None
            and code in ("PRD", "PUR")
            and index < len(codes) * 2
        ):
            depts[code].head = person
            depts[code].save(update_fields=["head"])
            heads[code] = person
    stdout.write(
        f"org: {Employee.objects.count()} employees in {len(depts)} departments"
    )


def print_logins(stdout) -> None:
    User = get_user_model()
    stdout.write("")
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for username, _number, name, _code, title, _roles, _heads in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            stdout.write(f"  {username:<10} {name} · {title}")
    stdout.write("Open http://127.0.0.1:8000/")
