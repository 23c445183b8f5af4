from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Notification


def notifications_visible(*, user) -> QuerySet[Notification]:
    """Notifications the user can see now (held-back ones excluded)."""
    now = timezone.now()
    return Notification.objects.filter(recipient=user).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )


def notifications_unread_count(*, user) -> int:
    return notifications_visible(user=user).filter(read_at__isnull=True).count()
