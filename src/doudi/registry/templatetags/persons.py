from django import template

from doudi.registry.idcard import mask_id_number

register = template.Library()


@register.filter
def masked(number: str) -> str:
    """An ID number as lists and pages show it (idcard.mask_id_number, DESIGN.md promise 4)."""
    return mask_id_number(number)
