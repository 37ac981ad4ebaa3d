"""Who may do what in guardianship, expressed with the capabilities core/roles.py already has.

Reading follows Cap.VIEW_PERSONS, clerks' writes Cap.EDIT_PERSONS (township clerks and county
officers), templates Cap.EDIT_SETTINGS (county administrators). Inspectors may *start* a guardian
replacement (seed document 5: supervision leads to 及时更换监护人) but no Cap says so yet; until
core/roles.py grows one (requested: Cap.START_GUARDIAN_REPLACEMENT for inspectors, clerks and
county officers), that single rule is written here and nowhere else.
"""

from doudi.core.roles import Cap, Role


def can_view(user) -> bool:
    return user.can(Cap.VIEW_PERSONS)


def can_edit(user) -> bool:
    """List candidates, record consents, confirm guardians, prepare and sign agreements."""
    return user.can(Cap.EDIT_PERSONS)


def can_start_replacement(user) -> bool:
    return can_edit(user) or (user.is_active and Role.INSPECTOR in (user.roles or []))


def can_decide_replacement(user) -> bool:
    """The township approves (its clerk, or a county officer above it)."""
    return can_edit(user)


def can_manage_templates(user) -> bool:
    return user.can(Cap.EDIT_SETTINGS)
