from django.contrib.auth import views as auth_views
from django.urls import include, path

from doudi.core import views as core_views

from .api import api

urlpatterns = [
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("persons/", include("doudi.registry.urls")),
    path("ledger/", include("doudi.registry.ledger.urls")),
    path("care/", include("doudi.guardianship.urls")),
    path("care/", include("doudi.care.urls")),
    path("eligibility/", include("doudi.eligibility.urls")),
    path("oversight/", include("doudi.oversight.urls")),
    path("village/", include("doudi.village.urls")),
    path("integrity/", include("doudi.integrity.urls")),
    path("programmes/", include("doudi.programmes.urls")),
    path("governance/", include("doudi.governance.urls")),
    path("mediation/", include("doudi.mediation.urls")),
    path("reports/", include("doudi.reports.urls")),
    path("", include("doudi.core.urls")),
]
