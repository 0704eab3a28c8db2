from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "skillspact.consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"
