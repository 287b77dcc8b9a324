"""Licence API (``/api/v1/licences...``): the holder's licences, one licence (holder or issuing
department), revocation by the issuing department, share links, the department registry, what
免证办 can offer, and the public verification of a token (no login)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import Forbidden, NotFound
from yiwang.core.http import AuthenticatedRequest, account
from yiwang.core.schemas import ERRORS, PUBLIC_ERRORS
from yiwang.core.text import max_chars
from yiwang.licenses import selectors, services
from yiwang.licenses.errors import LicenceErrorCode
from yiwang.licenses.identifiers import clean_number
from yiwang.licenses.models import Licence, RevokeKind, ShareLink
from yiwang.licenses.verification import check_licence, reason_text, verify_token

router = Router(tags=["licences"])
VerifyStatus = Literal["valid", "revoked", "expired", "not_yet_valid", "altered", "unknown"]


class LicenceIssuerOut(Schema):
    code: str = Field(description="The issuing department's code")
    name: str
    uscc: str = Field(description="The department's unified social credit code (统一社会信用代码)")


class LicenceOut(Schema):
    number: str
    identifier: str = Field(description="证照标识, GB/T 36904 shape with its ISO 7064 MOD 37,36 check character")
    name: str = Field(description="The licence's name as printed (Chinese: the legal document's)")
    name_en: str = Field(description="Its English name where the type has one, else empty")
    type_code: str
    version: int
    status: Literal["valid", "revoked", "expired", "not_yet_valid", "altered"] = Field(
        description="Checked now. Only `valid` means valid; `not_yet_valid` (validity starts later) is a sixth "
                    "value beside the issue's five, so a client must treat any value it does not know as not valid")
    record_status: str = Field(description="active | revoked | superseded (the stored state)")
    holder_name: str
    issuer: LicenceIssuerOut
    issued_at: dt.datetime
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="null: 长期 (no expiry)")
    fields: dict[str, Any]
    case_number: str
    qr_payload: str = Field(description="YWL1.<body>.<signature>; see docs/licences.md")
    verify_url: str
    pdf_url: str
    file_sm3: str
    revoked_at: dt.datetime | None
    revoke_reason: str
    replaces: str | None
    replaced_by: str | None


class LicenceRevokeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=services.MAX_REASON)
    kind: str = Field(RevokeKind.CANCEL, pattern="^(cancel|revoke)$", description="cancel 注销 | revoke 吊销")


class LicenceShareIn(Schema):
    fields: list[str] = Field(default_factory=lambda: ["holder_name", "valid_from", "valid_to"], max_length=10,
                              description=f"What the link discloses, of: {', '.join(services.SHAREABLE_FIELDS)}")
    days: int = Field(services.SHARE_DEFAULT_DAYS, ge=1, le=services.SHARE_MAX_DAYS)
    purpose: str = Field("", max_length=max_chars(ShareLink, "purpose"))


class LicenceShareOut(Schema):
    id: int
    url: str
    fields: list[str]
    purpose: str
    created_at: dt.datetime
    expires_at: dt.datetime
    withdrawn_at: dt.datetime | None
    live: bool


class LicenceVerificationOut(Schema):
    at: dt.datetime
    channel: str
    via_share: bool
    verifier: str
    result: VerifyStatus


class LicenceVerifyOut(Schema):
    status: VerifyStatus = Field(
        description="Only `valid` means valid. `not_yet_valid` (the validity starts on a later day) is a sixth value "
                    "beside the five of the contract: a client must treat any value it does not know as not valid")
    reason: str = Field(description="Why, in words, when the status is not valid")
    licence: dict[str, Any] = Field(description="Only the fields the holder chose to disclose")
    issuer: dict[str, Any]
    inclusion_proof: dict[str, Any] | None = Field(description="RFC 9162 inclusion proof of the issuance entry "
                                                              "on the ledger (SM3); see docs/ledger.md")


class LicenceOfferOut(Schema):
    material_id: int
    material: str
    licence_number: str
    licence_name: str


class LicenceRegistryQuery(Schema):
    q: str = Field("", max_length=100)
    type_code: str = Field("", max_length=21)
    status: str = Field("", max_length=12)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000_000)


def licence_out(licence: Licence) -> dict[str, Any]:
    check = check_licence(licence)
    replaced_by = Licence.objects.filter(replaces=licence).values_list("number", flat=True).first()
    return {
        "number": licence.number, "identifier": licence.identifier, "name": licence.licence_type.name,
        "name_en": licence.licence_type.name_en, "type_code": licence.licence_type.code, "version": licence.version,
        "status": check.status,
        "record_status": licence.status, "holder_name": licence.holder_name,
        "issuer": {"code": licence.department.code, "name": licence.department.name, "uscc": licence.seal.uscc},
        "issued_at": licence.issued_at, "valid_from": licence.valid_from, "valid_to": licence.valid_to,
        "fields": licence.data, "case_number": licence.case_number, "qr_payload": licence.qr_payload,
        "verify_url": services.verify_url(licence.qr_token),
        "pdf_url": reverse("api-v1:download_licence", args=[licence.number]), "file_sm3": licence.file_sm3,
        "revoked_at": licence.revoked_at, "revoke_reason": licence.revoke_reason,
        "replaces": licence.replaces.number if licence.replaces is not None else None, "replaced_by": replaced_by,
    }


def share_out(share: Any) -> dict[str, Any]:
    return {"id": share.pk, "url": services.verify_url(share.token), "fields": share.fields, "purpose": share.purpose,
            "created_at": share.created_at, "expires_at": share.expires_at, "withdrawn_at": share.withdrawn_at,
            "live": share.is_live(timezone.now())}


@router.get("/licences", response={200: list[LicenceOut], **ERRORS})
def my_licences(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """The signed-in holder's licences (我的证照), current ones first."""
    return [licence_out(lic) for lic in selectors.licences_of(selectors.applicant_of(request.user))]


@router.get("/licences/registry", response={200: list[LicenceOut], **ERRORS})
def licence_registry(request: AuthenticatedRequest, query: Query[LicenceRegistryQuery]) -> list[dict[str, Any]]:
    """Staff: licences issued by your departments, searched by number, identifier, holder or type."""
    if not selectors.registry_departments(request.user):
        raise Forbidden(LicenceErrorCode.NOT_ISSUER, _("只有颁发部门的工作人员可以查看证照登记簿。"))
    rows = selectors.registry(request.user, q=query.q, type_code=query.type_code, status=query.status)
    return [licence_out(lic) for lic in rows[query.offset: query.offset + query.limit]]


@router.get("/licences/offerable", response={200: list[LicenceOfferOut], **ERRORS})
def offerable(request: AuthenticatedRequest, item_code: str = Query(..., max_length=40)) -> list[dict[str, Any]]:
    """免证办: the item's materials the signed-in applicant can take from their licences instead of uploading."""
    item = ServiceItem.objects.filter(code=item_code.replace("\x00", ""), is_active=True).first()
    if item is None:
        raise NotFound(LicenceErrorCode.LICENCE_NOT_FOUND, _("事项不存在。"))
    materials = list(item.materials.all())
    offers = selectors.offerable_for_materials(selectors.applicant_of(request.user), materials)
    return [{"material_id": m.pk, "material": m.name, "licence_number": offers[m.pk].number,
             "licence_name": offers[m.pk].licence_type.name} for m in materials if m.pk in offers]


@router.get("/licences/verify/{token}", auth=None, response={200: LicenceVerifyOut, **PUBLIC_ERRORS})
def verify_licence(request: HttpRequest, token: str) -> dict[str, Any]:
    """Public, no login: the status of the licence behind a QR token or a share link, what the
    holder discloses, and the ledger inclusion proof. Unknown and withdrawn/expired links answer
    200 with status ``unknown`` and the reason (the answer is the verdict, not an error)."""
    outcome = verify_token(token, channel="api", verifier=account(request))
    licence = outcome.licence if outcome.status not in ("unknown",) else None
    issuer = {}
    if licence is not None and outcome.status != "altered":
        issuer = {"code": licence.department.code, "name": licence.department.name, "uscc": licence.seal.uscc}
    reason = reason_text(outcome)
    return {"status": outcome.status, "reason": reason, "licence": outcome.disclosed, "issuer": issuer,
            "inclusion_proof": outcome.proof}


@router.get("/licences/{number}", response={200: LicenceOut, **ERRORS})
def get_licence(request: AuthenticatedRequest, number: str) -> dict[str, Any]:
    """One licence, for its holder or staff of the issuing department; anyone else gets 404."""
    return licence_out(selectors.licence_for_viewer(request.user, number))


@router.get("/licences/{number}/pdf", response={**ERRORS},
            openapi_extra={"responses": {200: {"description": "The sealed licence PDF", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def download_licence(request: AuthenticatedRequest, number: str) -> FileResponse:
    licence = selectors.licence_for_viewer(request.user, number)
    response = FileResponse(licence.file.open("rb"), content_type="application/pdf", filename=f"{licence.number}.pdf")
    response["X-Content-SM3"] = licence.file_sm3
    return response


@router.post("/licences/{number}/revoke", response={200: LicenceOut, **ERRORS})
def revoke(request: AuthenticatedRequest, number: str, payload: LicenceRevokeIn) -> dict[str, Any]:
    """注销 / 吊销 with a reason: staff of the issuing department only (403 for any other department)."""
    licence = services.revoke_licence(actor=request.user, number=number, reason=payload.reason, kind=payload.kind)
    return licence_out(licence)


@router.get("/licences/{number}/shares", response={200: list[LicenceShareOut], **ERRORS})
def list_shares(request: AuthenticatedRequest, number: str) -> list[dict[str, Any]]:
    licence = selectors.licences_of(selectors.applicant_of(request.user)).filter(number=clean_number(number)).first()
    if licence is None:
        raise NotFound(LicenceErrorCode.LICENCE_NOT_FOUND, _("证照不存在。"))
    return [share_out(s) for s in selectors.shares_of(licence)]


@router.post("/licences/{number}/shares", response={201: LicenceShareOut, **ERRORS})
def create_share(request: AuthenticatedRequest, number: str, payload: LicenceShareIn) -> Status:
    """A verification link that expires (default 7 days) disclosing the chosen fields."""
    share = services.create_share(actor=request.user, number=number, fields=payload.fields, days=payload.days,
                                  purpose=payload.purpose)
    return Status(201, share_out(share))


@router.post("/licences/shares/{share_id}/withdraw", response={200: LicenceShareOut, **ERRORS})
def withdraw_share(request: AuthenticatedRequest, share_id: int) -> dict[str, Any]:
    return share_out(services.withdraw_share(actor=request.user, share_id=share_id))


@router.get("/licences/{number}/verifications", response={200: list[LicenceVerificationOut], **ERRORS})
def verifications(request: AuthenticatedRequest, number: str) -> list[dict[str, Any]]:
    """Who verified the holder's licence, and when (the holder only)."""
    licence = selectors.licences_of(selectors.applicant_of(request.user)).filter(number=clean_number(number)).first()
    if licence is None:
        raise NotFound(LicenceErrorCode.LICENCE_NOT_FOUND, _("证照不存在。"))
    return [{"at": v.at, "channel": v.channel, "via_share": v.share_id is not None, "verifier": v.verifier_label,
             "result": v.result} for v in selectors.verifications_of(licence)]
