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
    # 村务监督委员会 (issue 11, docs/village.md).
    SUPERVISION_MEMBER = "supervision_member", _("Village supervision committee member")
    VILLAGE_OFFICIAL = "village_official", _("Village official or bookkeeper")
    TOWNSHIP_AGENCY = "township_agency", _("Township rural assets agency")
    TOWNSHIP_PARTY = "township_party", _("Township party committee")
    # Integrity (issue 12): the 受理 of reports, and a unit's finance officer who fills its
    # self-inspection form in a special-governance campaign.
    REPORT_HANDLER = "report_handler", _("Report handler")
    UNIT_FINANCE = "unit_finance", _("Unit finance officer")


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
    # Village affairs supervision (村务监督委员会, issue 11).
    VIEW_VILLAGE_AFFAIRS = "view_village_affairs"  # committees, vouchers, openness, overview
    MANAGE_VILLAGE_REGISTER = "manage_village_register"  # officials and relatives, nominations, election
    APPROVE_CANDIDATES = "approve_candidates"  # 乡镇党委/纪委: approve the formal list, receive the filing
    SUBMIT_VOUCHERS = "submit_vouchers"  # 村报账员: enter and import vouchers, openness items, answers
    REVIEW_VOUCHERS = "review_vouchers"  # committee members: stamp, question, dispute; meetings, inquiries
    BOOK_VOUCHERS = "book_vouchers"  # 乡镇"三资"代理中心: book stamped vouchers only
    HANDLE_APPEALS = "handle_appeals"  # 申诉救助: township party committee and 纪委
    EDIT_VILLAGE_SETTINGS = "edit_village_settings"  # the township's review cycle and answer days
    # Integrity (issue 12).
    RECEIVE_REPORTS = "receive_reports"  # 受理: read, register, assign, supervise and answer reports
    DECRYPT_REPORTER = "decrypt_reporter"  # read a reporter's name and contact (audited, with a reason)
    HANDLE_REPORTS = "handle_reports"  # the handling unit's work on a report assigned to it: notes
    RUN_CAMPAIGNS = "run_campaigns"  # special-governance campaigns: scope, selection, findings
    FILL_SELF_INSPECTION = "fill_self_inspection"  # a unit's 自查自纠情况报告表
    # Pilot plans (programmes): the county 农办 manages plans; units and townships report progress.
    VIEW_PLANS = "view_plans"
    MANAGE_PLANS = "manage_plans"  # import, export, edit plans and tasks, accept a plan, funding paid
    REPORT_PROGRESS = "report_progress"  # file a task's progress report for one's township or unit
    EVALUATE_PLANS = "evaluate_plans"  # mid-term and final evaluations of tasks
    # Dispute mediation (矛盾纠纷调处, issue 14 part 2; docs/mediation.md).
    VIEW_MEDIATION = "view_mediation"  # disputes, committees, coverage and statistics of one's area
    REGISTER_DISPUTES = "register_disputes"  # register a dispute, its parties; follow-up visits
    MEDIATE_DISPUTES = "mediate_disputes"  # escalate and record outcomes at one's own tier or below
    MANAGE_MEDIATION = "manage_mediation"  # committees and their members, the tiers' deadlines
    # Points schemes (governance, issue 14).
    VIEW_SCORES = "view_scores"  # schemes, entries, results, lists of one's area
    MANAGE_SCHEMES = "manage_schemes"  # define schemes, close periods, decide appeals, publish 红黑榜
    AWARD_POINTS = "award_points"  # award points, file appeals, draft 红黑榜
    REDEEM_POINTS = "redeem_points"  # the village counter of the 积分超市


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
            Cap.VIEW_VILLAGE_AFFAIRS,
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
    # Village supervision (issue 11): each role does its own part and no other's — the member
    # reviews but never books, the agency books but never stamps, officials submit but never review.
    Role.SUPERVISION_MEMBER: frozenset({Cap.VIEW_REGIONS, Cap.VIEW_VILLAGE_AFFAIRS, Cap.REVIEW_VOUCHERS}),
    Role.VILLAGE_OFFICIAL: frozenset(
        {Cap.VIEW_REGIONS, Cap.VIEW_VILLAGE_AFFAIRS, Cap.SUBMIT_VOUCHERS, Cap.MANAGE_VILLAGE_REGISTER}
    ),
    Role.TOWNSHIP_AGENCY: frozenset({Cap.VIEW_REGIONS, Cap.VIEW_VILLAGE_AFFAIRS, Cap.BOOK_VOUCHERS}),
    Role.TOWNSHIP_PARTY: frozenset(
        {
            Cap.VIEW_REGIONS,
            Cap.VIEW_VILLAGE_AFFAIRS,
            Cap.APPROVE_CANDIDATES,
            Cap.HANDLE_APPEALS,
            Cap.EDIT_VILLAGE_SETTINGS,
        }
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
    Role.DISCIPLINE: frozenset(
        _READ
        | {
            Cap.VIEW_AUDIT,
            Cap.VIEW_UNITS,
            Cap.VIEW_VILLAGE_AFFAIRS,
            Cap.APPROVE_CANDIDATES,
            Cap.HANDLE_APPEALS,
            Cap.RUN_CAMPAIGNS,
            Cap.HANDLE_REPORTS,
        }
    ),
    # The 受理 of reports: no persons, no audit; the only role that may decrypt a reporter.
    Role.REPORT_HANDLER: frozenset(
        {Cap.VIEW_REGIONS, Cap.VIEW_UNITS, Cap.RECEIVE_REPORTS, Cap.DECRYPT_REPORTER, Cap.HANDLE_REPORTS}
    ),
    # Bound to a unit: fills that unit's (and its branches') self-inspection forms, nothing else.
    Role.UNIT_FINANCE: frozenset({Cap.VIEW_REGIONS, Cap.FILL_SELF_INSPECTION}),
    # A provider's staff see only the persons of their provider's contracts (care selectors).
    Role.PROVIDER_STAFF: frozenset({Cap.VIEW_REGIONS, Cap.RECORD_DELIVERY}),
    Role.LEADER: frozenset(_READ | {Cap.VIEW_UNITS, Cap.VIEW_VILLAGE_AFFAIRS, Cap.VIEW_PLANS}),
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
    Role.SUPERVISION_MEMBER: {regions.VILLAGE},
    Role.VILLAGE_OFFICIAL: {regions.VILLAGE},
    Role.TOWNSHIP_AGENCY: {regions.TOWNSHIP},
    Role.TOWNSHIP_PARTY: {regions.TOWNSHIP},
    Role.REPORT_HANDLER: {regions.PROVINCE, regions.CITY, regions.COUNTY, regions.TOWNSHIP},
    Role.UNIT_FINANCE: {regions.PROVINCE, regions.CITY, regions.COUNTY, regions.TOWNSHIP},
}


# Dispute mediation (issue 14): villages register and mediate their own disputes and keep their
# committee; townships take over what the villages cannot settle; the county sees and moves all.
_MEDIATION_WORK = {Cap.VIEW_MEDIATION, Cap.REGISTER_DISPUTES, Cap.MEDIATE_DISPUTES, Cap.MANAGE_MEDIATION}
for _role in (Role.COUNTY_OFFICER, Role.TOWNSHIP_CLERK, Role.VILLAGE_STAFF):
    ROLE_CAPS[_role] = ROLE_CAPS[_role] | _MEDIATION_WORK
for _role in (Role.LEADER, Role.INSPECTOR):
    ROLE_CAPS[_role] = ROLE_CAPS[_role] | {Cap.VIEW_MEDIATION}


def caps_for(roles) -> frozenset[Cap]:
    result: set[Cap] = set()
    for role in roles or ():
        result |= ROLE_CAPS.get(role, frozenset())
    return frozenset(result)


# Two-factor sign-in (issue 16): the capabilities whose misuse harms people most — revealing full ID
# numbers, decrypting a reporter's identity, managing accounts, and closing the month (the county's
# review and close in reports/services.py needs CONFIRM_ELIGIBILITY). A role holding any of them
# signs in with a second factor when settings.DOUDI_REQUIRE_2FA is on (core/second_factor.py).
# Derived from the capabilities, so a new role that gets one of them needs the code too.
SECOND_FACTOR_CAPS: frozenset[Cap] = frozenset(
    {Cap.VIEW_FULL_ID, Cap.DECRYPT_REPORTER, Cap.MANAGE_USERS, Cap.CONFIRM_ELIGIBILITY}
)


def needs_second_factor(roles) -> bool:
    return bool(caps_for(roles) & SECOND_FACTOR_CAPS)


# Points schemes (governance, issue 14): townships and counties define schemes, close periods,
# decide appeals and publish the red and black lists; villages award points and run the counter.
_GOVERNANCE_CAPS = {
    Role.COUNTY_OFFICER: {Cap.VIEW_SCORES, Cap.MANAGE_SCHEMES, Cap.AWARD_POINTS},
    Role.TOWNSHIP_CLERK: {Cap.VIEW_SCORES, Cap.MANAGE_SCHEMES, Cap.AWARD_POINTS, Cap.REDEEM_POINTS},
    Role.VILLAGE_STAFF: {Cap.VIEW_SCORES, Cap.AWARD_POINTS, Cap.REDEEM_POINTS},
    Role.INSPECTOR: {Cap.VIEW_SCORES},
    Role.LEADER: {Cap.VIEW_SCORES},
}
for _role, _caps in _GOVERNANCE_CAPS.items():
    ROLE_CAPS[_role] = ROLE_CAPS[_role] | _caps
