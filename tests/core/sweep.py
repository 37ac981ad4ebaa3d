"""What core's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _job(world):
    from doudi.core.models import Job

    return Job.objects.create(
        kind="sweep", title="外县的任务", created_by=world.user2, region=world.township2
    )


def _token(world):
    import secrets

    from doudi.core.models import ApiToken

    return ApiToken.objects.create(user=world.user2, key_hash=secrets.token_hex(32))


def sweep(s):
    return {
        "regions/<code>": s.Obj("core.Region", attr="code", level=4),
        "units/<pk>": s.Obj("core.Unit"),
        "units/<unit_id>": s.Obj("core.Unit"),
        "jobs/<pk>": s.Obj("core.Job", build=_job),
        "users/<pk>": s.Obj("core.User"),
        "audit/<seq>": s.Obj("core.AuditEntry", attr="seq"),
        "account/tokens/<pk>": s.Obj("core.ApiToken", build=_token),
    }
