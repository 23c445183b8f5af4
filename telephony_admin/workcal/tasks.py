from celery import shared_task
from django.utils import timezone

from .services import CalendarError, calendar_seed_year


@shared_task
def calendar_seed_next_year_task() -> str:
    """Load next year's official holidays once the package knows them (December)."""
    year = timezone.localdate().year + 1
    try:
        result = calendar_seed_year(year=year)
    except CalendarError as exc:
        return str(exc)
    return str(result)
