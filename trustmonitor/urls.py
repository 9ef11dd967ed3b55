from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ops.views import healthz
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
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("kpis.urls")),
    path("", include("inspections.urls")),
    path("", include("reports.urls")),
    path("", include("schedule6.urls")),
    path("", include("national.urls")),
]
