"""Who may do what in guardianship, expressed with the capabilities core/roles.py already has.

Reading follows Cap.VIEW_PERSONS, clerks' writes Cap.EDIT_PERSONS (township clerks and county
officers), templates Cap.EDIT_SETTINGS (county administrators). Inspectors may *start* a guardian
replacement (seed document 5: supervision leads to 及时更换监护人): Cap.START_GUARDIAN_REPLACEMENT.
"""

from doudi.core.roles import Cap


def can_view(user) -> bool:
    return user.can(Cap.VIEW_PERSONS)


def can_edit(user) -> bool:
    """List candidates, record consents, confirm guardians, prepare and sign agreements."""
    return user.can(Cap.EDIT_PERSONS)


def can_start_replacement(user) -> bool:
    return user.can(Cap.START_GUARDIAN_REPLACEMENT)


def can_decide_replacement(user) -> bool:
    """The township approves (its clerk, or a county officer above it)."""
    return can_edit(user)


def can_manage_templates(user) -> bool:
    return user.can(Cap.EDIT_SETTINGS)
