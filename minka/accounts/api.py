"""The user behind the request, and their personal API tokens."""

import datetime

from django.db.models import Prefetch
from ninja import Field, Router, Schema
from ninja.responses import Status

from minka.accounts import access, selectors, tokens
from minka.accounts.models import Membership, OrganizationRole, ProgramRole, ProgramRoleKind, User
from minka.core.api_support import Id, Input, read_responses, write_responses

router = Router()

ME = ["me"]


class MembershipOut(Schema):
    organization: str = Field(..., alias="organization.slug", description="Slug of the organization.")
    organization_name: str = Field(..., alias="organization.name")
    role: OrganizationRole
    role_label: str = Field(..., alias="get_role_display")


class ProgramRoleOut(Schema):
    program: str = Field(..., alias="program.slug", description="Slug of the program.")
    program_name: str = Field(..., alias="program.name")
    role: ProgramRoleKind
    role_label: str = Field(..., alias="get_role_display")


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    email: str
    language: str
    is_network_admin: bool = Field(..., description="Sees and changes everything (superuser).")
    memberships: list[MembershipOut] = Field(..., description="Active memberships, one role per organization.")
    program_roles: list[ProgramRoleOut] = Field(..., description="Roles held across a whole program.")

    @staticmethod
    def resolve_is_network_admin(user):
        return access.is_network_admin(user)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The first characters of the token, to tell tokens apart.")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The token itself. It is shown this once and never again.")


class TokenIn(Input):
    name: str = Field(..., description="What the token is for, e.g. the name of the script that uses it.")


@router.get("/me", response=read_responses(MeOut), tags=ME)
def me(request):
    """The user making the request, with their memberships and program roles."""
    return (
        User.objects.filter(pk=request.auth.pk)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_active=True).select_related("organization"),
            ),
            Prefetch("program_roles", queryset=ProgramRole.objects.select_related("program")),
        )
        .get()
    )


@router.get("/me/tokens", response=read_responses(list[TokenOut]), tags=ME)
def token_list(request):
    """The user's own API tokens (never the tokens themselves, only their prefixes)."""
    return selectors.api_token_list(user=request.auth)


@router.post("/me/tokens", response=write_responses(TokenCreated, status=201), tags=ME)
def token_create(request, payload: TokenIn):
    """A new personal token; the answer carries it once."""
    token, plaintext = tokens.api_token_create(user=request.auth, name=payload.name)
    token.token = plaintext
    return Status(201, token)


@router.delete("/me/tokens/{token_id}", response=write_responses(None, status=204), tags=ME)
def token_revoke(request, token_id: Id):
    """Revokes one of the user's tokens: it stops working at once."""
    token = selectors.api_token_get(user=request.auth, token_id=token_id)
    tokens.api_token_revoke(user=request.auth, token=token)
    return Status(204, None)
