from django import template

from minka.fieldforms.selectors import field_organization_ids

register = template.Library()


@register.simple_tag
def fieldforms_allowed(user, program) -> bool:
    """Whether `user` may download the program's field forms (the link on the program page)."""
    return bool(field_organization_ids(user=user, program=program))
