"""Job handlers of the registry app (run by the task worker through core.jobs.run_job).

Imported by RegistryConfig.ready() so that a worker process, which never loads the URLs, knows
the handlers.
"""

from doudi.core.jobs import job_handler

from . import ledger
from .models import LedgerImport


@job_handler("ledger_check")
def ledger_check_job(job, progress):
    record = LedgerImport.objects.select_related("upload", "created_by").get(pk=job.params["ledger_import"])
    ledger.import_check(record, progress=progress)
    return _result(record)


@job_handler("ledger_commit")
def ledger_commit_job(job, progress):
    record = LedgerImport.objects.select_related("upload", "created_by").get(pk=job.params["ledger_import"])
    ledger.import_commit(record, progress=progress)
    return _result(record)


def _result(record: LedgerImport) -> dict:
    if record.status == LedgerImport.Status.FAILED:
        # An unreadable file is the job's failure, shown with the job like any other.
        raise ledger.TableError(record.report.get("file_error", ""))
    return record.report  # the stored report: counts and the first errors
