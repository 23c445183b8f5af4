from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from telephony_admin.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers and tools ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("telephony_admin.core.urls")),
    path("org/", include("telephony_admin.org.urls")),
    path("approvals/", include("telephony_admin.approvals.urls")),
    path("overview/", include("telephony_admin.overview.urls")),
    path("calendar/", include("telephony_admin.workcal.urls")),
    path("lines/", include("extensions.urls")),
    path("billing/", include("billing.urls")),
    path("deductions/", include("billing.deductions.urls")),
    path("callcenter/", include("callcenter.urls")),
    path("complaints/", include("callcenter.complaints.urls")),
    path("admin/", admin.site.urls),
]
