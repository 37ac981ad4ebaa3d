from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(str(key)) if hasattr(mapping, "get") else None
