from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "doudi.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from doudi.core import audit, textmask
        from doudi.core.demo import register_step

        from . import idcard

        # Wherever an audit entry holds these — entries written before certificates were masked,
        # a merge's merged-away record — pages show them masked (core.audit.shown).
        audit.register_sensitive("id_number", idcard.mask_id_number)
        audit.register_sensitive("id_reversed", idcard.mask_reversed_id)
        audit.register_sensitive("disability_certificate", idcard.mask_certificate_number)
        # The birth date is the middle of the ID number: beside a masked number (any entry of a
        # person) it would rebuild it. Entries from before it was masked on write are masked here.
        audit.register_sensitive("birth_date", textmask.mask_birth_date)
        audit.register_label("merged_into", _("merged into"))
        audit.register_label("merged_record", _("merged-away record"))
        audit.register_label("kept_name", _("kept record"))
        audit.register_label("candidate", _("duplicate pair"))

        from . import (
            sections,  # noqa: F401  (the person page's own sections)
            tasks,  # noqa: F401  (job handlers, also needed in the worker process)
        )
        from .demo import registry_step

        register_step(registry_step, order=10)
