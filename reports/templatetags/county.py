from django import template

from reports.models import Membership

register = template.Library()


@register.filter
def supervises(user) -> bool:
    """Whether to show the county office's pages in the navigation: a supervisor somewhere, or a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role=Membership.Role.SUPERVISOR).exists()
