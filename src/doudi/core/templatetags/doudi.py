from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def brief(value):
    """A job result value in a few words: collections by their size."""
    if isinstance(value, list | tuple | dict):
        n = len(value)
        return ngettext("%(n)d item", "%(n)d items", n) % {"n": n}
    return value


@register.filter
def yuan(value):
    """An amount in yuan with thousands grouped and two decimals (1,234,567.80); "" for None.
    Grouped with commas whatever the language: that is how Chinese finance forms write it."""
    if value is None or value == "":
        return ""
    from decimal import Decimal

    return f"{Decimal(value):,.2f}"


@register.filter
def masknumbers(value):
    """Free text (a visit note, a reason) with the ID and phone numbers typed into it masked
    (core.textmask); apply before linebreaksbr."""
    from doudi.core.textmask import mask_numbers

    return mask_numbers(value)
