from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.accounts.models import ApiToken, Membership, User
from minka.network.models import Organization


def managed_organizations(*, user) -> QuerySet:
    """The organizations whose users `user` manages, for choices and filters."""
    return Organization.objects.filter(pk__in=access.managed_organization_ids(user)).order_by("name")


def user_list(*, user, organization: str = "", role: str = "", search: str = "") -> QuerySet:
    """The users holding a membership (active or not) in an organization `user` manages.

    Each user comes with `managed_memberships`: only those memberships, never the ones in other organizations.
    """
    managed = access.managed_organization_ids(user)
    memberships = Membership.objects.filter(organization__in=managed)
    if organization:
        memberships = memberships.filter(organization__slug=organization)
    if role:
        memberships = memberships.filter(role=role)
    users = User.objects.filter(pk__in=memberships.values("user_id"))
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    return users.order_by("username").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(organization__in=managed).select_related("organization"),
            to_attr="managed_memberships",
        )
    )


def user_get(*, user, user_id: int) -> User:
    """A user `user` manages; 404 for a missing one and for one outside their organizations alike."""
    return get_object_or_404(user_list(user=user), pk=user_id)


def membership_get(*, user, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(organization__in=access.managed_organization_ids(user)).select_related(
            "user", "organization"
        ),
        pk=membership_id,
    )


def api_token_list(*, user) -> QuerySet:
    return ApiToken.objects.filter(user=user).order_by(F("revoked_at").asc(nulls_first=True), "-created_at")


def api_token_get(*, user, token_id: int) -> ApiToken:
    """One of the user's own tokens; anyone else's answers 404."""
    return get_object_or_404(ApiToken.objects.filter(user=user), pk=token_id)
