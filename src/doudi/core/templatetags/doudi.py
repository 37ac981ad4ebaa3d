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
