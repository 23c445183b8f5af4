"""Default service hours (R-HOT-2): Monday–Friday 08:30–12:00 and 13:00–17:30.

Administrators change them afterwards; holidays come from ``seed_calendar``.
"""

from datetime import time

from django.db import migrations

DEFAULT_HOURS = [(time(8, 30), time(12, 0)), (time(13, 0), time(17, 30))]
WORKING_WEEKDAYS = range(5)


def create_defaults(apps, schema_editor):
    ServiceInterval = apps.get_model("workcal", "ServiceInterval")
    if ServiceInterval.objects.exists():
        return
    ServiceInterval.objects.bulk_create(
        ServiceInterval(weekday=weekday, start=start, end=end)
        for weekday in WORKING_WEEKDAYS
        for start, end in DEFAULT_HOURS
    )


def remove_defaults(apps, schema_editor):
    ServiceInterval = apps.get_model("workcal", "ServiceInterval")
    for weekday in WORKING_WEEKDAYS:
        for start, end in DEFAULT_HOURS:
            ServiceInterval.objects.filter(
                weekday=weekday, start=start, end=end
            ).delete()


class Migration(migrations.Migration):
    dependencies = (("workcal", "0001_initial"),)

    operations = (migrations.RunPython(create_defaults, remove_defaults),)
