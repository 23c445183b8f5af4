"""Excel import of an existing line list: dry run with row errors, then atomic apply.

Every company has a spreadsheet of its phones; the columns are number, kind, owner
employee number, department, class, location (Chinese headers understood). Rows are
read in streaming mode; nothing is written unless every row is valid (style rule 12).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from telephony_admin.core.services import audit_record
from telephony_admin.org.access import employee_of, require
from telephony_admin.org.models import Department, Employee

from .errors import ExtensionsError
from .models import ClassOfService, Line, LineKind
from .selectors import normalise_number
from .services import class_change_apply, line_assign, line_create

HEADERS = {
    "number": {"number", "line", "号码", "电话号码", "分机号", "线路号码"},
    "kind": {"kind", "type", "类型", "线路类型"},
    "owner": {
        "owner",
        "owner employee number",
        "employee number",
        "员工编号",
        "工号",
        "使用人工号",
    },
    "department": {"department", "部门", "部门编码", "使用部门"},
    "class": {"class", "class of service", "权限", "等级", "通话权限"},
    "location": {"location", "位置", "安装位置"},
}
REQUIRED = ("number", "department")
COLUMN_LABELS = {
    "number": gettext_lazy("Number"),
    "kind": gettext_lazy("Kind"),
    "owner": gettext_lazy("Owner employee number"),
    "department": gettext_lazy("Department"),
    "class": gettext_lazy("Class of service"),
    "location": gettext_lazy("Location"),
}

KIND_WORDS = {
    LineKind.EXTENSION: {"extension", "分机"},
    LineKind.DIRECT: {"direct", "direct line", "直线", "外线"},
    LineKind.HOTLINE_400: {"hotline_400", "400", "400 hotline", "400热线"},
    LineKind.FAX: {"fax", "传真"},
    LineKind.PREPAID: {"prepaid", "prepaid-card phone", "ic卡电话", "磁卡电话"},
}
CLASS_WORDS = {
    ClassOfService.INTERNAL: {"0", "internal", "internal only", "内线", "内部"},
    ClassOfService.LOCAL: {"1", "local", "市话", "本地"},
    ClassOfService.DOMESTIC: {
        "2",
        "domestic",
        "domestic long distance",
        "国内长途",
        "长途",
    },
    ClassOfService.INTERNATIONAL: {"3", "international", "国际长途", "国际"},
}


@dataclass
class ImportRow:
    row: int
    number: str
    kind: str
    owner: Employee | None
    department: Department
    klass: int
    location: str
    action: str = ""

    @property
    def kind_label(self) -> str:
        return str(LineKind(self.kind).label)

    @property
    def class_label(self) -> str:
        return str(ClassOfService(self.klass).label)


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, why
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def error_rows(self) -> list[tuple[int, str, str]]:
        """The errors with column names in the reader's language."""
        return [
            (
                row,
                ", ".join(str(COLUMN_LABELS.get(c, c)) for c in column.split(", "))
                if column
                else "",
                why,
            )
            for row, column, why in self.errors
        ]


def _lookup(words: dict, raw) -> object | None:
    text = str(raw or "").strip().lower()
    for value, options in words.items():
        if text in options or text == str(value).lower():
            return value
    return None


def _columns(header_row) -> dict[str, int]:
    columns = {}
    for index, title in enumerate(header_row):
        text = str(title or "").strip().lower()
        for key, names in HEADERS.items():
            if text in names:
                columns[key] = index
    return columns


def line_list_read(file) -> ImportReport:
    """Validate every row; the report lists what would happen or what is wrong."""
    report = ImportReport()
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001  openpyxl raises many kinds on bad files
        report.errors.append(
            (
                0,
                "",
                _("Not a readable .xlsx file (%(error)s).")
                % {"error": exc.__class__.__name__},
            )
        )
        return report
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    columns = _columns(header or [])
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        report.errors.append((1, ", ".join(missing), _("Required column missing.")))
        workbook.close()
        return report
    departments = {d.code.lower(): d for d in Department.objects.all()}
    departments.update({d.name.lower(): d for d in departments.values()})
    employees = {e.number: e for e in Employee.objects.select_related("department")}
    seen: set[str] = set()
    for number_in_file, values in enumerate(rows, start=2):
        if not values or all(v in (None, "") for v in values):
            continue
        report_row = _read_row(
            number_in_file, values, columns, departments, employees, seen, report
        )
        if report_row is not None:
            report.rows.append(report_row)
    workbook.close()
    if not report.rows and not report.errors:
        report.errors.append((0, "", _("The file has no lines.")))
    return report


def _cell(values, columns, key):
    index = columns.get(key)
    if index is None or index >= len(values):
        return None
    return values[index]


def _read_row(row, values, columns, departments, employees, seen, report):
    errors_before = len(report.errors)
    raw_number = _cell(values, columns, "number")
    if isinstance(raw_number, float) and raw_number.is_integer():
        raw_number = int(raw_number)
    number = normalise_number(raw_number or "")
    if not number or not number.isdigit():
        report.errors.append((row, "number", _("A line number has digits only.")))
    elif number in seen:
        report.errors.append(
            (row, "number", _("The number appears twice in the file."))
        )
    seen.add(number)
    department = departments.get(
        str(_cell(values, columns, "department") or "").strip().lower()
    )
    if department is None:
        report.errors.append((row, "department", _("Unknown department.")))
    raw_kind = _cell(values, columns, "kind")
    kind = (
        _lookup(KIND_WORDS, raw_kind)
        if raw_kind not in (None, "")
        else LineKind.EXTENSION
    )
    if kind is None:
        report.errors.append((row, "kind", _("Unknown kind of line.")))
    raw_class = _cell(values, columns, "class")
    klass = (
        _lookup(CLASS_WORDS, raw_class)
        if raw_class not in (None, "")
        else ClassOfService.INTERNAL
    )
    if klass is None:
        report.errors.append((row, "class", _("Unknown class of service.")))
    owner = None
    raw_owner = str(_cell(values, columns, "owner") or "").strip()
    if raw_owner:
        owner = employees.get(raw_owner)
        if owner is None:
            report.errors.append((row, "owner", _("Unknown employee number.")))
    if len(report.errors) > errors_before:
        return None
    return ImportRow(
        row=row,
        number=number,
        kind=kind,
        owner=owner,
        department=department,
        klass=int(klass),
        location=str(_cell(values, columns, "location") or "").strip(),
    )


def line_list_import(*, file, actor, dry_run: bool = True) -> ImportReport:
    """Dry run: validate and describe. Apply: all rows or none (one transaction)."""
    require(actor, "lines.edit")
    report = line_list_read(file)
    existing = {
        line.number: line
        for line in Line.objects.filter(number__in=[r.number for r in report.rows])
    }
    for row in report.rows:
        row.action = _("update") if row.number in existing else _("create")
    if dry_run or not report.ok:
        return report
    try:
        with transaction.atomic():
            for row in report.rows:
                _apply_row(row, existing.get(row.number), actor)
            audit_record(
                actor=actor,
                action="line.list_imported",
                details={"rows": len(report.rows)},
            )
    except ExtensionsError as exc:
        report.errors.append((row.row, "", exc.message))
        return report
    report.applied = True
    return report


def _apply_row(row: ImportRow, line: Line | None, actor) -> None:
    reason = _("Imported line list")
    if line is None:
        line = line_create(
            number=row.number,
            department=row.department,
            owner=row.owner,
            kind=row.kind,
            location=row.location,
            actor=actor,
        )
    else:
        owner = row.owner or row.department.head
        if (
            line.owner_id != (owner.pk if owner else None)
            or line.department_id != row.department.pk
        ):
            line_assign(
                line=line,
                owner=owner,
                department=row.department,
                reason=reason,
                actor=actor,
            )
        if (line.kind, line.location) != (row.kind, row.location):
            line.kind, line.location = row.kind, row.location
            line.save(update_fields=["kind", "location", "updated_at"])
    if row.klass != line.class_of_service:
        class_change_apply(
            line=line,
            to_class=row.klass,
            reason=reason,
            changed_by=employee_of(actor),
            actor=actor,
        )
