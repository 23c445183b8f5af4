import pytest

from .factories import at


@pytest.fixture
def lines(company):
    """A local line (employee, sales), a domestic LD line (employee_east) and the
    400 hotline (customer service), all from September 2026."""
    from extensions.models import ClassOfService, LineKind
    from extensions.tests.factories import make_line

    since = at(2026, 9, 1)
    return {
        "local": make_line(
            "057187000001",
            company.dept_sales,
            company.employee,
            class_of_service=ClassOfService.LOCAL,
            starts_at=since,
        ),
        "ld": make_line(
            "057187000002",
            company.dept_sales_east,
            company.employee_east,
            class_of_service=ClassOfService.DOMESTIC,
            starts_at=since,
        ),
        "hotline": make_line(
            "4008001234",
            company.dept_cs,
            company.head_cs,
            kind=LineKind.HOTLINE_400,
            class_of_service=ClassOfService.LOCAL,
            starts_at=since,
        ),
    }
