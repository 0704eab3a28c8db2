from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "skillspact.credentials"
    verbose_name = _("Credentials")
    default_auto_field = "django.db.models.BigAutoField"
