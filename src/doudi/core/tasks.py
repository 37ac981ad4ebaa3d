"""Job handlers of the core app (run by the task worker through jobs.run_job)."""

from .jobs import job_handler
from .models import User


@job_handler("import_regions", result_template="core/_import_report.html")
def import_regions_job(job, progress):
    from .services import region_import

    return _import(job, progress, region_import)


@job_handler("import_units", result_template="core/_import_report.html")
def import_units_job(job, progress):
    from .unit_services import unit_import

    return _import(job, progress, unit_import)


def _import(job, progress, importer):
    actor = User.objects.get(pk=job.created_by_id)
    report = importer(
        actor=actor,
        path=job.upload.file.path,
        filename=job.upload.original_name,
        commit=job.params.get("commit", True),
        progress=progress,
    )
    return report.as_dict()
