from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core.home import HomePanel, HomeRow
from telephony_admin.org.access import Scope, employee_of, scope

from .models import Message
from .rosters import coverage_gaps


def panels(user) -> list[HomePanel]:
    result = []
    me = employee_of(user)
    now = timezone.now()
    if me is not None:
        open_messages = Message.objects.filter(
            recipient=me, returned_at__isnull=True
        ).order_by("due_at")[:10]
        rows = [
            HomeRow(
                text=_("%(caller)s, %(number)s — return by %(due)s")
                % {
                    "caller": m.caller_name or m.get_kind_display(),
                    "number": m.caller_number,
                    "due": timezone.localtime(m.due_at).strftime("%m-%d %H:%M"),
                },
                url=reverse("callcenter:messages") + f"#message-{m.pk}",
                badge=_("overdue") if m.due_at <= now else m.get_kind_display(),
                badge_class="danger" if m.due_at <= now else "warning",
            )
            for m in open_messages
        ]
        if rows:
            result.append(
                HomePanel(
                    key="callcenter-messages",
                    title=_("Calls to return"),
                    rows=rows,
                    more_url=reverse("callcenter:messages"),
                )
            )
    if scope(user, "rosters.edit") == Scope.ALL:
        from telephony_admin.core import config

        gaps = coverage_gaps(
            start=timezone.localdate(),
            days=config.get("callcenter.roster_lookahead_days"),
            now=now,
        )
        result.append(
            HomePanel(
                key="callcenter-roster-gaps",
                title=_("Gaps in the duty roster"),
                rows=[
                    HomeRow(
                        text=_("%(line)s: %(start)s – %(end)s")
                        % {
                            "line": g.service_label,
                            "start": timezone.localtime(g.start).strftime(
                                "%m-%d %H:%M"
                            ),
                            "end": timezone.localtime(g.end).strftime("%H:%M"),
                        },
                        url=reverse("callcenter:roster")
                        + "?week="
                        + timezone.localtime(g.start).date().isoformat(),
                        badge=_("gap"),
                        badge_class="danger",
                    )
                    for g in gaps[:10]
                ],
                empty_text=_("Both lines are covered."),
                more_url=reverse("callcenter:roster"),
            )
        )
    return result
