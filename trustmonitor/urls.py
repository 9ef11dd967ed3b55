from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ops.views import healthz
from trustmonitor import accounts
from trustmonitor.forms import LoginForm

admin.site.site_header = "trustmonitor administration"
admin.site.site_title = "trustmonitor"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    # The password pages with their throttles (trustmonitor.accounts); the
    # rest of Django's account URLs as they come.
    path(
        "accounts/password_change/", accounts.PasswordChangeView.as_view(), name="password_change"
    ),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("kpis.urls")),
    path("", include("inspections.urls")),
    path("", include("reports.urls")),
    path("", include("schedule6.urls")),
    path("", include("national.urls")),
    path("", include("notifications.urls")),
]
