from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiwang.identity"
    verbose_name = _("实名与代办")
