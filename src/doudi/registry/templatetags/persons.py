from django import template

from doudi.registry.idcard import mask_certificate_number, mask_id_number

register = template.Library()


@register.filter
def masked(number: str) -> str:
    """An ID number as lists and pages show it (idcard.mask_id_number, DESIGN.md promise 4)."""
    return mask_id_number(number)


@register.filter
def masked_certificate(number: str) -> str:
    """A disability certificate number — the ID number and two digits — as lists and pages show
    it (idcard.mask_certificate_number)."""
    return mask_certificate_number(number)
