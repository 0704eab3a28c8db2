"""The site's URLs: each domain mounts its own; the API lives under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.api import api

admin.site.site_header = settings.PARTNERSHIP_NAME
admin.site.site_title = "skillspact"

urlpatterns = [
    path("", include("skillspact.core.urls")),
    path("accounts/", include("skillspact.accounts.urls")),
    path("", include("skillspact.organisations.urls")),
    path("taxonomy/", include("skillspact.taxonomy.urls")),
    path("", include("skillspact.commitments.urls")),
    path("", include("skillspact.consultations.urls")),
    path("", include("skillspact.events.urls")),
    path("", include("skillspact.training.urls")),
    path("", include("skillspact.credentials.urls")),
    path("", include("skillspact.pathways.urls")),
    path("", include("skillspact.intelligence.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
