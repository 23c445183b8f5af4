"""Compile every ``.po`` to ``.mo`` with polib, so no system gettext is needed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SKIP = {".venv", "var", "node_modules", ".git"}


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po -> .mo) in pure Python."

    def handle(self, *args, **options):
        root = Path(settings.BASE_DIR)
        compiled = 0
        for po_path in root.rglob("locale/*/LC_MESSAGES/*.po"):
            if SKIP.intersection(po_path.relative_to(root).parts):
                continue
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
        self.stdout.write(f"compiled {compiled} catalogue(s)")
