from django.utils.functional import SimpleLazyObject

from telephony_admin.org.access import employee_of, roles_of

from .navigation import menu_for
from .selectors import notifications_unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_sections": SimpleLazyObject(lambda: menu_for(user)),
        "unread_notifications": SimpleLazyObject(
            lambda: notifications_unread_count(user=user)
        ),
        "current_employee": SimpleLazyObject(lambda: employee_of(user)),
        "current_roles": SimpleLazyObject(
            lambda: sorted(r.label for r in roles_of(user))
        ),
    }
