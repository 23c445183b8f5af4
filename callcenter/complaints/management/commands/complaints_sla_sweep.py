"""Run the SLA sweep once by hand (beat runs it every minute; this is for cron/ops)."""

from django.core.management.base import BaseCommand

from callcenter.complaints.sla import sla_sweep


class Command(BaseCommand):
    help = "Record and notify every complaint SLA warning and breach that is due now."

    def handle(self, *args, **options):
        fired = sla_sweep()
        self.stdout.write(f"{fired} escalation(s) recorded")
