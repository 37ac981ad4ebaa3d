from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "doudi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from axes.signals import user_locked_out

        from . import lookups, tasks  # noqa: F401  (register the any_of lookup and job handlers)
        from .security import on_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="doudi_audit_lockout")
