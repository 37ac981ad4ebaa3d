from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "doudi.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from doudi.core.demo import register_step

        from . import (
            sections,  # noqa: F401  (the person page's own sections)
            tasks,  # noqa: F401  (job handlers, also needed in the worker process)
        )
        from .demo import registry_step

        register_step(registry_step)
