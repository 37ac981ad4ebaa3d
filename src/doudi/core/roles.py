"""Roles and what each may do. Capabilities are code, not database rows, so they can be read
and tested; the area a user may act in is always their bound region's subtree, narrowed for
unit-scoped records to their unit's subtree when they are bound to a unit (see scope.py)."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import regions


class Role(models.TextChoices):
    COUNTY_OFFICER = "county_officer", _("County civil-affairs officer")
    TOWNSHIP_CLERK = "township_clerk", _("Township civil-affairs clerk")
    VILLAGE_STAFF = "village_staff", _("Village committee staff")
    INSPECTOR = "inspector", _("Inspector")
    DISCIPLINE = "discipline", _("Discipline inspector")
    PROVIDER_STAFF = "provider_staff", _("Service-provider staff")
    LEADER = "leader", _("Read-only leader")
    COUNTY_ADMIN = "county_admin", _("County administrator")


class Cap(StrEnum):
    """Capabilities. Views and services check these, never role names."""

    VIEW_REGIONS = "view_regions"
    IMPORT_REGIONS = "import_regions"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    VIEW_PERSONS = "view_persons"
    EDIT_PERSONS = "edit_persons"
    IMPORT_PERSONS = "import_persons"
    EXPORT_PERSONS = "export_persons"
    VIEW_FULL_ID = "view_full_id"
    MERGE_PERSONS = "merge_persons"
    EDIT_SETTINGS = "edit_settings"
    START_GUARDIAN_REPLACEMENT = "start_guardian_replacement"
    CONFIRM_ELIGIBILITY = "confirm_eligibility"  # 县级确认 / 核准 of eligibility cases
    # The monthly care loop (issue 6).
    MANAGE_CARE = "manage_care"  # placements, networks, providers, contracts, budgets, orders, materials
    RECORD_VISITS = "record_visits"  # 走访探视 and material hand-overs
    RECORD_DELIVERY = "record_delivery"  # a provider's staff records service deliveries
    HANDLE_RECTIFICATION = "handle_rectification"  # 整改: progress notes, closing
    REVIEW_RECTIFICATION = "review_rectification"  # reopen a closed task
    # Organisation units (单位, issue 12): campaigns and pilot plans concern them.
    VIEW_UNITS = "view_units"
    MANAGE_UNITS = "manage_units"  # create, edit, move units, their yearly figures, Excel import
    # Pilot plans (programmes): the county 农办 manages plans; units and townships report progress.
    VIEW_PLANS = "view_plans"
    MANAGE_PLANS = "manage_plans"  # import, export, edit plans and tasks, accept a plan, funding paid
    REPORT_PROGRESS = "report_progress"  # file a task's progress report for one's township or unit
    EVALUATE_PLANS = "evaluate_plans"  # mid-term and final evaluations of tasks


_READ = {Cap.VIEW_REGIONS, Cap.VIEW_PERSONS}

ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.COUNTY_OFFICER: frozenset(
        _READ
        | {
            Cap.EDIT_PERSONS,
            Cap.IMPORT_PERSONS,
            Cap.EXPORT_PERSONS,
            Cap.VIEW_FULL_ID,
            Cap.MERGE_PERSONS,
            Cap.VIEW_AUDIT,
            Cap.CONFIRM_ELIGIBILITY,
            Cap.START_GUARDIAN_REPLACEMENT,
            Cap.MANAGE_CARE,
            Cap.RECORD_VISITS,
            Cap.HANDLE_RECTIFICATION,
            Cap.REVIEW_RECTIFICATION,
            Cap.VIEW_UNITS,
            Cap.MANAGE_UNITS,
            Cap.VIEW_PLANS,
            Cap.MANAGE_PLANS,
            Cap.REPORT_PROGRESS,
            Cap.EVALUATE_PLANS,
        }
    ),
    Role.TOWNSHIP_CLERK: frozenset(
        _READ
        | {
            Cap.EDIT_PERSONS,
            Cap.IMPORT_PERSONS,
            Cap.EXPORT_PERSONS,
            Cap.VIEW_FULL_ID,
            Cap.START_GUARDIAN_REPLACEMENT,
            Cap.MANAGE_CARE,
            Cap.RECORD_VISITS,
            Cap.HANDLE_RECTIFICATION,
            Cap.VIEW_UNITS,  # the units of their township (offices, schools, branches); not edited
            Cap.VIEW_PLANS,
            Cap.REPORT_PROGRESS,  # 责任主体: the township reports its own progress
        }
    ),
    # Village cadres visit, hand out materials and work on the problems they found.
    # They also fill the per-village ledgers of pilot plans (逐村建立台账) and see the plans they serve.
    Role.VILLAGE_STAFF: frozenset(
        _READ | {Cap.RECORD_VISITS, Cap.HANDLE_RECTIFICATION, Cap.VIEW_PLANS, Cap.REPORT_PROGRESS}
    ),
    # Supervision leads to replacing an unfit guardian promptly (seed document 5: 及时更换监护人).
    Role.INSPECTOR: frozenset(
        _READ
        | {
            Cap.EXPORT_PERSONS,
            Cap.START_GUARDIAN_REPLACEMENT,
            Cap.REVIEW_RECTIFICATION,
            Cap.VIEW_UNITS,
            Cap.VIEW_PLANS,
            Cap.EVALUATE_PLANS,  # 督导检查 and the mid-term and final evaluations
        }
    ),
    # 纪检 oversee units (小金库 special governance, issue 12), so they see them.
    Role.DISCIPLINE: frozenset(_READ | {Cap.VIEW_AUDIT, Cap.VIEW_UNITS}),
    # A provider's staff see only the persons of their provider's contracts (care selectors).
    Role.PROVIDER_STAFF: frozenset({Cap.VIEW_REGIONS, Cap.RECORD_DELIVERY}),
    Role.LEADER: frozenset(_READ | {Cap.VIEW_UNITS, Cap.VIEW_PLANS}),
    # An administrator binds accounts to units, so sees them; editing them is the officers' work.
    Role.COUNTY_ADMIN: frozenset(
        {
            Cap.VIEW_REGIONS,
            Cap.IMPORT_REGIONS,
            Cap.MANAGE_USERS,
            Cap.VIEW_AUDIT,
            Cap.EDIT_SETTINGS,
            Cap.VIEW_UNITS,
        }
    ),
}

# The region level each role is bound to (a county role may also sit at city/province level).
ROLE_LEVELS: dict[str, set[int]] = {
    Role.COUNTY_OFFICER: {regions.PROVINCE, regions.CITY, regions.COUNTY},
    Role.TOWNSHIP_CLERK: {regions.TOWNSHIP},
    Role.VILLAGE_STAFF: {regions.VILLAGE},
    Role.INSPECTOR: {regions.PROVINCE, regions.CITY, regions.COUNTY, regions.TOWNSHIP},
    Role.DISCIPLINE: {regions.PROVINCE, regions.CITY, regions.COUNTY, regions.TOWNSHIP},
    Role.PROVIDER_STAFF: {regions.COUNTY, regions.TOWNSHIP, regions.VILLAGE},
    Role.LEADER: {regions.PROVINCE, regions.CITY, regions.COUNTY, regions.TOWNSHIP},
    Role.COUNTY_ADMIN: {regions.PROVINCE, regions.CITY, regions.COUNTY},
}


def caps_for(roles) -> frozenset[Cap]:
    result: set[Cap] = set()
    for role in roles or ():
        result |= ROLE_CAPS.get(role, frozenset())
    return frozenset(result)
