from django import template

from minka.employment.views_common import can_read

register = template.Library()


@register.simple_tag
def job_service_allowed(user, program) -> bool:
    """Whether `user` reads the program's job service (the link on the program page); funders and other
    organizations do not, as its pages answer 404 to them."""
    return can_read(user, program)
