"""Load the demo company (idempotent): run by ``make run`` every time."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = (
    "telephony_admin.org.demo",
    "telephony_admin.workcal.demo",
    "extensions.demo",
    "billing.demo",
    "billing.deductions.demo",
    "callcenter.demo",
    "callcenter.complaints.demo",
)


class Command(BaseCommand):
    help = "Create the demo company, lines, a month of calls and call-center data."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        from telephony_admin.org.demo import print_logins

        print_logins(self.stdout)
