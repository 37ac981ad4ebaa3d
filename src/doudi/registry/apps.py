from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "doudi.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from doudi.core import audit
        from doudi.core.demo import register_step

        from . import idcard

        # Wherever an audit entry holds these — entries written before certificates were masked,
        # a merge's merged-away record — pages show them masked (core.audit.shown).
        audit.register_sensitive("id_number", idcard.mask_id_number)
        audit.register_sensitive("id_reversed", idcard.mask_reversed_id)
        audit.register_sensitive("disability_certificate", idcard.mask_certificate_number)

        from . import (
            sections,  # noqa: F401  (the person page's own sections)
            tasks,  # noqa: F401  (job handlers, also needed in the worker process)
        )
        from .demo import registry_step

        register_step(registry_step, order=10)
