"""Identity API: registration (public, rate-limited), the caller's real-name level and its online
check, authorisations (委托代办), and the window's L3 check. Thin: each operation calls one service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from yiwang.core.bounds import DbId
from yiwang.core.errors import Forbidden
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import RealNameLevel
from yiwang.core.schemas import ERRORS, PUBLIC_ERRORS, ErrorOut
from yiwang.core.text import max_chars
from yiwang.identity import selectors, services
from yiwang.identity.errors import IdentityErrorCode as Code
from yiwang.identity.models import Authorisation, Verification
from yiwang.identity.permissions import level_of
from yiwang.identity.views import client_ip

router = Router(tags=["identity"])

PUBLIC_LIMITED = {**PUBLIC_ERRORS, 409: ErrorOut, 415: ErrorOut, 429: ErrorOut}


class CodeRequestIn(Schema):
    phone: str = Field(..., max_length=20, description="中国大陆手机号码")


class CodeRequestOut(Schema):
    sent: bool = Field(description="Always true when not refused: the same answer for a registered number")
    expires_in_seconds: int


class PersonRegistrationIn(Schema):
    name: str = Field(..., max_length=100)
    id_number: str = Field(..., max_length=18, description="公民身份号码 (GB 11643)")
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=6, description="The SMS code from POST /identity/codes")
    password: str = Field(..., max_length=128)


class EnterpriseRegistrationIn(Schema):
    uscc: str = Field(..., max_length=18, description="统一社会信用代码 (GB 32100)")
    name: str = Field(..., max_length=100)
    legal_representative: str = Field(..., max_length=100)
    legal_representative_id: str = Field(..., max_length=18)
    operator_name: str = Field(..., max_length=100, description="经办人: the person registering")
    operator_id_number: str = Field(..., max_length=18)
    phone: str = Field(..., max_length=20, description="经办人's phone")
    code: str = Field(..., max_length=6)
    password: str = Field(..., max_length=128)


class RegisteredOut(Schema):
    username: str = Field(description="Sign in with this (POST /auth/token)")
    level: int


class RealNameCheckOut(Schema):
    at: dt.datetime
    level: int
    method: str
    outcome: str
    reason: str
    access_id: int | None


class IdentityOut(Schema):
    name: str
    kind: str
    level: int
    level_label: str
    verifications: list[RealNameCheckOut]


class AuthorisationIn(Schema):
    agent_name: str = Field(..., max_length=100)
    agent_id_number: str = Field(..., max_length=18)
    all_items: bool = False
    items: list[str] = Field(default_factory=list, max_length=100, description="Item codes (when not all_items)")
    valid_until: dt.datetime


class AuthorisationOut(Schema):
    id: int
    principal: str
    agent: str
    role: str = Field(description="principal or agent: which side the caller is on")
    all_items: bool
    items: list[str]
    valid_from: dt.datetime
    valid_until: dt.datetime
    status: str
    active: bool
    source: str


class RevokeAuthorisationIn(Schema):
    reason: str = Field("", max_length=max_chars(Authorisation, "revoke_reason"))


class WindowVerificationIn(Schema):
    kind: str = Field(..., pattern="^(person|org)$")
    id_number: str = Field(..., max_length=18)
    document_checked: bool
    note: str = Field(..., max_length=max_chars(Verification, "note"))


def _identity(applicant: Any) -> dict[str, Any]:
    level = RealNameLevel(level_of(applicant))
    return {"name": applicant.name, "kind": applicant.kind, "level": int(level), "level_label": str(level.label),
            "verifications": [verification_out(v) for v in selectors.verifications_of(applicant)]}


def verification_out(v: Any) -> dict[str, Any]:
    return {"at": v.at, "level": v.level, "method": v.method, "outcome": v.outcome, "reason": v.reason,
            "access_id": v.access_id}


def authorisation_out(a: Authorisation, applicant: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"id": a.pk, "principal": a.principal.name, "agent": a.agent.name,
            "role": "principal" if a.principal_id == applicant.pk else "agent", "all_items": a.all_items,
            "items": [i.code for i in a.items.all()], "valid_from": a.valid_from, "valid_until": a.valid_until,
            "status": a.status, "active": a.is_active(timezone.now()), "source": a.source}


def _applicant(request: HttpRequest) -> Any:
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        raise Forbidden(Code.NOT_AN_APPLICANT, _("当前账号不是申请人账号。"))
    return applicant


@router.post("/identity/codes", auth=None, response={202: CodeRequestOut, **PUBLIC_LIMITED})
def request_code(request: HttpRequest, payload: CodeRequestIn) -> Status:
    """Send a one-time registration code by SMS. The answer is the same whether or not the number
    already has an account. Limited per number and per IP address (429 with retry_after_seconds)."""
    services.request_code(phone=payload.phone, ip_address=client_ip(request))
    return Status(202, {"sent": True, "expires_in_seconds": int(services.code_ttl().total_seconds())})


@router.post("/identity/register/person", auth=None, response={201: RegisteredOut, **PUBLIC_LIMITED})
def register_person(request: HttpRequest, payload: PersonRegistrationIn) -> Status:
    """Register a person with the SMS code; the account's user name is the phone number (level L1)."""
    user = services.register_person(name=payload.name, id_number=payload.id_number, phone=payload.phone,
                                    code=payload.code, password=payload.password)
    return Status(201, {"username": user.get_username(), "level": int(RealNameLevel.L1)})


@router.post("/identity/register/enterprise", auth=None, response={201: RegisteredOut, **PUBLIC_LIMITED})
def register_enterprise(request: HttpRequest, payload: EnterpriseRegistrationIn) -> Status:
    """Register an enterprise; the account's user name is its unified social credit code (level L1)."""
    user = services.register_enterprise(**payload.dict())
    return Status(201, {"username": user.get_username(), "level": int(RealNameLevel.L1)})


@router.get("/identity/me", response={200: IdentityOut, **ERRORS})
def my_identity(request: HttpRequest) -> dict[str, Any]:
    """The caller's real-name level and the checks behind it."""
    return _identity(_applicant(request))


@router.post("/identity/me/verify", response={200: IdentityOut, **ERRORS, 429: ErrorOut})
def verify_online(request: AuthenticatedRequest) -> dict[str, Any]:
    """Raise the caller to L2 by a check against the source department's data through the gateway
    (422 verification_failed with the reason; 409 verification_unavailable when sharing is not set up)."""
    services.verify_online(actor=request.user)
    return _identity(_applicant(request))


@router.get("/identity/authorisations", response={200: list[AuthorisationOut], **ERRORS})
def my_authorisations(request: HttpRequest) -> list[dict[str, Any]]:
    """Authorisations the caller gave (role principal) or holds (role agent)."""
    applicant = _applicant(request)
    return [authorisation_out(a, applicant) for a in selectors.authorisations_of(applicant)]


@router.post("/identity/authorisations", response={201: AuthorisationOut, **ERRORS})
def grant_authorisation(request: AuthenticatedRequest, payload: AuthorisationIn) -> Status:
    """Let someone apply on your behalf (委托代办), for some items or all, until ``valid_until``.
    Online, you must have reached L2 (403 real_name_level_too_low says how)."""
    applicant = _applicant(request)
    authorisation = services.grant_authorisation(
        actor=request.user, principal=applicant, agent_id_number=payload.agent_id_number, agent_name=payload.agent_name,
        all_items=payload.all_items, item_codes=payload.items, valid_until=payload.valid_until)
    return Status(201, authorisation_out(authorisation, applicant))


@router.post("/identity/authorisations/{authorisation_id}/revoke", response={200: AuthorisationOut, **ERRORS})
def revoke_authorisation(request: AuthenticatedRequest, authorisation_id: DbId, payload: RevokeAuthorisationIn) -> dict[str, Any]:
    """Revoke an authorisation you gave (or give up one you hold); anyone else's is 404."""
    applicant = _applicant(request)
    authorisation = selectors.authorisation_for_party(request.user, authorisation_id)
    if authorisation is None:
        from yiwang.core.errors import NotFound

        raise NotFound(Code.AUTHORISATION_NOT_FOUND, _("委托不存在。"))
    revoked = services.revoke_authorisation(actor=request.user, authorisation=authorisation, reason=payload.reason)
    return authorisation_out(get_object_or_404(Authorisation.objects.select_related("principal", "agent"),
                                               pk=revoked.pk), applicant)


@router.post("/identity/window/verifications", response={200: IdentityOut, **ERRORS})
def window_verification(request: AuthenticatedRequest, payload: WindowVerificationIn) -> dict[str, Any]:
    """A window clerk records an in-person check of the applicant's original documents (L3)."""
    applicant = services.find_applicant_for_window(actor=request.user, kind=payload.kind, id_number=payload.id_number)
    services.verify_at_window(actor=request.user, applicant=applicant, document_checked=payload.document_checked,
                              note=payload.note)
    return _identity(applicant)
