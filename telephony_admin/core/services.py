"""Writes every app uses: the audit trail and notifications."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent, Notification


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one audit event: who (``actor``, a user or None), what, on which object."""
    user = getattr(actor, "user", actor)  # accept an Employee as well as a User
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = AuditEvent(action=action, actor=user, details=details or {})
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:255]
    event.save()
    return event


def _users(recipients: Iterable[Any]) -> list:
    User = get_user_model()
    users = []
    seen = set()
    for recipient in recipients:
        if recipient is None:
            continue
        user = (
            recipient
            if isinstance(recipient, User)
            else getattr(recipient, "user", None)
        )
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


@dataclass(frozen=True)
class Message:
    """One notification for ``notify_many``: the same text to each of ``recipients``."""

    recipients: Sequence[Any]
    title: str
    body: str = ""
    url: str = ""
    not_before: datetime | None = None


def notify(
    *,
    recipients: Iterable[Any],
    title: str,
    body: str = "",
    url: str = "",
    not_before: datetime | None = None,
) -> list[Notification]:
    """Send an in-app notification (and an email) to users or employees.

    This is the one service every app calls. ``not_before`` holds it back (the bell
    and the email sweep ignore it until then). Email is queued after commit.
    """
    message = Message(list(recipients), title, body, url, not_before)
    return notify_many(messages=[message])


def notify_many(*, messages: Iterable[Message]) -> list[Notification]:
    """Send several notifications at once: one INSERT and one email sweep queued.

    For jobs that tell many people in one go (the complaint SLA sweep): the same as
    calling ``notify`` per message, without a query per message. Recipients are
    users or employees; inactive users and employees without a login are skipped.
    """
    now = timezone.now()
    rows = []
    email_now = False
    for message in messages:
        for user in _users(message.recipients):
            rows.append(
                Notification(
                    recipient=user,
                    title=message.title[:200],
                    body=message.body,
                    url=message.url,
                    not_before=message.not_before,
                )
            )
            email_now = email_now or (
                message.not_before is None or message.not_before <= now
            )
    created = Notification.objects.bulk_create(rows) if rows else []
    if email_now:
        transaction.on_commit(_queue_email_sweep)
    return created


def _queue_email_sweep() -> None:
    """Queue one email sweep for a burst of notifications (the beat sweep every
    minute catches anything a collapsed burst left behind)."""
    from django.core.cache import cache

    from .tasks import notification_send_emails_task

    if cache.add("core.notify.email_sweep_queued", 1, timeout=5):
        notification_send_emails_task.delay()


def absolute_url(url: str) -> str:
    """A link for outside the site (e-mail): the page's path on ``SITE_URL``."""
    from django.conf import settings

    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + "/" + url.lstrip("/")


def notification_send_due_emails(*, now: datetime | None = None) -> int:
    """Email every due notification not yet emailed; each is emailed once."""
    from django.conf import settings
    from django.core.mail import send_mail

    now = now or timezone.now()
    due = (
        Notification.objects.filter(emailed_at__isnull=True)
        .filter(models.Q(not_before__isnull=True) | models.Q(not_before__lte=now))
        .select_related("recipient")
        .order_by("pk")[:500]
    )
    sent = 0
    for notification in due:
        claimed = Notification.objects.filter(
            pk=notification.pk, emailed_at__isnull=True
        ).update(emailed_at=now)
        if not claimed:
            continue
        if notification.recipient.email:
            send_mail(
                subject=notification.title,
                message=notification.body
                + ("\n\n" + absolute_url(notification.url) if notification.url else ""),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.recipient.email],
                fail_silently=True,
            )
            sent += 1
    return sent


def notification_mark_read(*, user: Any, pk: int | None = None) -> int:
    """Mark one (or, with ``pk=None``, all) of the user's notifications read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
