from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelligenceConfig(AppConfig):
    name = "skillspact.intelligence"
    verbose_name = _("Skills intelligence")
    default_auto_field = "django.db.models.BigAutoField"
