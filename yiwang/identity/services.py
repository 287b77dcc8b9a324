"""Identity's writes: one-time codes, registration, real-name verification (L2 through the data
sharing gateway, L3 at the window) and authorisations to act for someone else (委托代办).

Every write is one function with the acting person passed explicitly and its audit record in the
same transaction. Two exceptions to "one transaction", each on purpose:

* a wrong guess at a code is counted in its own statement *before* the refusal is raised, and
  the registration services call ``verify_code`` before they open their transaction, so the
  refusal does not undo the count (that is what stops brute force). Do not call ``verify_code``
  inside a transaction that the refusal rolls back (Yiwang does not set ATOMIC_REQUESTS);
* a failed verification is recorded (and committed) before its refusal is raised, so that the
  history shows every attempt.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core import notify
from yiwang.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from yiwang.core.ids import mask_phone
from yiwang.core.models import Applicant, ApplicantKind, Department, RealNameLevel
from yiwang.core.services import record_audit, register_applicant, validate_applicant_id
from yiwang.core.text import field_text, max_chars
from yiwang.core.users import User
from yiwang.crypto.fields import blind_index
from yiwang.identity.errors import IdentityErrorCode as Code
from yiwang.identity.models import (
    Authorisation,
    AuthorisationSource,
    AuthorisationStatus,
    CodePurpose,
    RealName,
    Verification,
    VerificationCode,
    VerificationMethod,
    VerificationOutcome,
)
from yiwang.identity.permissions import is_window_clerk, level_of

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def code_ttl() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("YIWANG_IDENTITY_CODE_TTL_SECONDS", 300))


def max_attempts() -> int:
    return _setting("YIWANG_IDENTITY_CODE_MAX_ATTEMPTS", 5)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# ------------------------------------------------------------------------------ phones and codes


def normalize_phone(phone: str) -> str:
    """A mainland mobile number, 11 digits; ``+86``/``0086`` and spaces or dashes are dropped."""
    value = re.sub(r"[\s\-]", "", phone or "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    if not PHONE_RE.match(value):
        raise InvalidInput(Code.PHONE_INVALID, _("手机号码格式不正确：请填写 11 位中国大陆手机号码。"), {"field": "phone"})
    return value


def phone_index(phone: str) -> str:
    return blind_index(phone, context="identity.phone")


def _code_digest(salt: str, code: str) -> str:
    return blind_index(f"{salt}:{code}", context="identity.code")


def _hash_code(code: str) -> str:
    salt = secrets.token_hex(8)
    return f"{salt}${_code_digest(salt, code)}"


def _code_matches(stored: str, code: str) -> bool:
    salt, _sep, digest = stored.partition("$")
    return hmac.compare_digest(digest, _code_digest(salt, code.strip()))


def _rate_limited(message: str, retry_after: int) -> DomainError:
    return DomainError(Code.CODE_RATE_LIMITED, message, {"retry_after_seconds": max(1, retry_after)}, status=429)


def _phone_registered(phone: str) -> bool:
    return get_user_model().objects.filter(username=phone).exists()


def request_code(*, phone: str, ip_address: str | None, purpose: str = CodePurpose.REGISTER,
                 now: dt.datetime | None = None) -> VerificationCode:
    """Send a one-time code to ``phone`` for registration, within the rate limits.

    The answer is the same whether or not the phone already has an account (no enumeration): for a
    registered phone the SMS says so instead of carrying a code, and the row stored cannot be
    matched by any code. Limits (per phone: one per ``YIWANG_IDENTITY_CODE_RESEND_SECONDS`` and
    ``YIWANG_IDENTITY_CODE_PER_PHONE_PER_HOUR``; per IP address:
    ``YIWANG_IDENTITY_CODE_PER_IP_PER_HOUR``) answer 429 with the seconds to wait."""
    now = _now(now)
    value = normalize_phone(phone)
    index = phone_index(value)
    hour_ago = now - dt.timedelta(hours=1)
    resend = _setting("YIWANG_IDENTITY_CODE_RESEND_SECONDS", 60)
    last = VerificationCode.objects.filter(phone_index=index).order_by("-created_at").first()
    if last is not None and (now - last.created_at).total_seconds() < resend:
        wait = resend - int((now - last.created_at).total_seconds())
        raise _rate_limited(_("验证码已发送，请 %(s)s 秒后再重新获取。") % {"s": wait}, wait)
    recent = list(VerificationCode.objects.filter(phone_index=index, created_at__gt=hour_ago)
                  .order_by("created_at").values_list("created_at", flat=True))
    if len(recent) >= _setting("YIWANG_IDENTITY_CODE_PER_PHONE_PER_HOUR", 5):
        wait = int((recent[0] + dt.timedelta(hours=1) - now).total_seconds())
        raise _rate_limited(_("该手机号码获取验证码过于频繁，请 %(m)s 分钟后再试。") % {"m": wait // 60 + 1}, wait)
    if ip_address:
        from_ip = list(VerificationCode.objects.filter(ip_address=ip_address, created_at__gt=hour_ago)
                       .order_by("created_at").values_list("created_at", flat=True))
        if len(from_ip) >= _setting("YIWANG_IDENTITY_CODE_PER_IP_PER_HOUR", 20):
            wait = int((from_ip[0] + dt.timedelta(hours=1) - now).total_seconds())
            raise _rate_limited(_("当前网络获取验证码过于频繁，请 %(m)s 分钟后再试。") % {"m": wait // 60 + 1}, wait)
    registered = _phone_registered(value)
    code = f"{secrets.randbelow(10**6):06d}"
    expires = now + code_ttl()
    minutes = int(code_ttl().total_seconds() // 60)
    with transaction.atomic():
        row = VerificationCode.objects.create(
            purpose=purpose, phone_index=index, ip_address=ip_address or None, created_at=now, expires_at=expires,
            # a registered phone gets a row no code matches: same answer, same limits, nothing to find
            code_hash=_hash_code(secrets.token_hex(16)) if registered else _hash_code(code),
            deliverable=not registered)
        if registered:
            text = _("【一网通办】该手机号码已注册。如非本人操作请忽略；忘记密码请到政务服务中心窗口办理。")
            notify.send_to_address(address_field="phone", address=value, kind="identity_code", subject="注册验证码",
                                   body=text)
        else:
            body = "【一网通办】您的注册验证码为 %(code)s，%(m)s 分钟内有效。请勿告诉他人。"
            notify.send_to_address(address_field="phone", address=value, kind="identity_code", subject="注册验证码",
                                   body=body % {"code": "******", "m": minutes},
                                   sealed_body=body % {"code": code, "m": minutes}, discard_after=expires)
        record_audit(actor=None, event_type="identity_code_sent", subject_type="identity_code", subject_id=row.pk,
                     at=now, details={"phone": mask_phone(value), "purpose": purpose, "ip": ip_address or ""})
    return row


def verify_code(*, phone: str, code: str, purpose: str = CodePurpose.REGISTER,
                now: dt.datetime | None = None) -> VerificationCode:
    """Use the latest code sent to ``phone``: right, unexpired, unused and within the attempts.

    A wrong guess is counted at once (committed before the refusal); after
    ``YIWANG_IDENTITY_CODE_MAX_ATTEMPTS`` wrong guesses the code is dead even to the right guess.
    A used code never works again (replay)."""
    now = _now(now)
    value = normalize_phone(phone)
    code = (code or "").strip()
    row = (VerificationCode.objects.filter(phone_index=phone_index(value), purpose=purpose)
           .order_by("-created_at", "-id").first())
    if row is None:
        raise InvalidInput(Code.CODE_INVALID, _("验证码错误或未获取，请先获取验证码。"), {"field": "code"})
    if row.consumed_at is not None:
        raise InvalidInput(Code.CODE_USED, _("验证码已使用过，请重新获取。"), {"field": "code"})
    if row.expires_at <= now:
        raise InvalidInput(Code.CODE_EXPIRED, _("验证码已过期，请重新获取。"), {"field": "code"})
    limit = max_attempts()
    if row.attempts >= limit:
        raise InvalidInput(Code.CODE_ATTEMPTS_EXCEEDED, _("验证码错误次数过多，已失效，请重新获取。"), {"field": "code"})
    if not re.fullmatch(r"\d{6}", code) or not _code_matches(row.code_hash, code):
        # counted before the refusal (see the module docstring: callers keep this outside their transaction)
        with transaction.atomic():
            VerificationCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        used = row.attempts + 1
        if used >= limit:
            raise InvalidInput(Code.CODE_ATTEMPTS_EXCEEDED, _("验证码错误次数过多，已失效，请重新获取。"), {"field": "code"})
        raise InvalidInput(Code.CODE_INVALID, _("验证码错误，还可尝试 %(n)s 次。") % {"n": limit - used},
                           {"field": "code", "attempts_left": limit - used})
    # one use: a concurrent request with the same code finds it consumed
    taken = VerificationCode.objects.filter(pk=row.pk, consumed_at__isnull=True, attempts__lt=limit).update(
        consumed_at=now)
    if not taken:
        raise InvalidInput(Code.CODE_USED, _("验证码已使用过，请重新获取。"), {"field": "code"})
    row.consumed_at = now
    return row


# ------------------------------------------------------------------------------ registration


def _name(value: str, field: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned or len(cleaned) > 100:
        raise InvalidInput(Code.NAME_REQUIRED, _("请填写姓名或名称（不超过 100 字）。"), {"field": field})
    return cleaned


def _check_password(password: str, username: str) -> None:
    try:
        validate_password(password, user=User(username=username))
    except ValidationError as exc:
        raise InvalidInput(Code.PASSWORD_INVALID, " ".join(str(m) for m in exc.messages), {"field": "password"}) from exc


def _taken() -> Conflict:
    return Conflict(Code.ALREADY_REGISTERED, _(
        "该证件号码已有账号，不能重复注册。请用原账号登录；如非本人注册，请携带证件到政务服务中心窗口处理。"),
        {"field": "id_number"})


def _create_account(*, username: str, password: str, applicant_kind: str, name: str, id_number: str, phone: str,
                    legal_representative: str = "") -> tuple[User, Applicant]:
    if User.objects.filter(username=username).exists():
        raise _taken()
    existing = Applicant.objects.select_for_update().with_id_number(applicant_kind, id_number).first()
    if existing is not None and (existing.user_id is not None or existing.name != name):
        raise _taken()
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password)
    except IntegrityError as exc:
        raise _taken() from exc
    if existing is not None:
        # a walk-in applicant registering online: the account takes over their record
        existing.user, existing.phone = user, phone
        if legal_representative:
            existing.legal_representative = legal_representative
        existing.save(update_fields=["user", "phone", "legal_representative", "id_index"])
        applicant = existing
    else:
        applicant = register_applicant(actor=user, kind=applicant_kind, name=name, id_number=id_number, phone=phone,
                                       legal_representative=legal_representative, user=user)
        if applicant.user_id != user.pk:  # created by someone else in between
            raise _taken()
    return user, applicant


def register_person(*, name: str, id_number: str, phone: str, code: str, password: str,
                    now: dt.datetime | None = None) -> User:
    """Register a person: name, citizen ID number (GB 11643), phone proven by a one-time code.
    The account's user name is the phone number; its real-name level is L1 (self-declared)."""
    now = _now(now)
    name = _name(name, "name")
    number = validate_applicant_id(kind=ApplicantKind.PERSON, id_number=id_number)
    mobile = normalize_phone(phone)
    _check_password(password, mobile)
    verify_code(phone=mobile, code=code, now=now)
    with transaction.atomic():
        user, applicant = _create_account(username=mobile, password=password, applicant_kind=ApplicantKind.PERSON,
                                          name=name, id_number=number, phone=mobile)
        RealName.objects.update_or_create(applicant=applicant, defaults={
            "level": max(RealNameLevel.L1, level_of(applicant)), "registered_at": now, "updated_at": now})
        Verification.objects.create(applicant=applicant, level=RealNameLevel.L1, method=VerificationMethod.REGISTRATION,
                                    outcome=VerificationOutcome.PASSED, at=now)
        record_audit(actor=user, event_type="identity_person_registered", subject_type="applicant",
                     subject_id=applicant.pk, at=now, details={"phone": mask_phone(mobile)})
    return user


def register_enterprise(
    *, uscc: str, name: str, legal_representative: str, legal_representative_id: str, operator_name: str,
    operator_id_number: str, phone: str, code: str, password: str, now: dt.datetime | None = None,
) -> User:
    """Register an enterprise (法人): unified social credit code (GB 32100), its name, the legal
    representative (name, citizen ID), and the person registering it (经办人: name, citizen ID,
    phone proven by a one-time code). The account's user name is the credit code; level L1."""
    now = _now(now)
    name = _name(name, "name")
    code_value = validate_applicant_id(kind=ApplicantKind.ORGANISATION, id_number=uscc)
    rep_name = _name(legal_representative, "legal_representative")
    try:
        rep_id = validate_applicant_id(kind=ApplicantKind.PERSON, id_number=legal_representative_id)
    except InvalidInput as exc:
        exc.details = {**exc.details, "field": "legal_representative_id"}
        raise
    op_name = _name(operator_name, "operator_name")
    try:
        op_id = validate_applicant_id(kind=ApplicantKind.PERSON, id_number=operator_id_number)
    except InvalidInput as exc:
        exc.details = {**exc.details, "field": "operator_id_number"}
        raise
    mobile = normalize_phone(phone)
    _check_password(password, code_value)
    verify_code(phone=mobile, code=code, now=now)
    with transaction.atomic():
        user, applicant = _create_account(username=code_value, password=password,
                                          applicant_kind=ApplicantKind.ORGANISATION, name=name, id_number=code_value,
                                          phone=mobile, legal_representative=rep_name)
        RealName.objects.update_or_create(applicant=applicant, defaults={
            "level": max(RealNameLevel.L1, level_of(applicant)), "operator_name": op_name, "operator_id_number": op_id,
            "legal_representative_id_number": rep_id, "registered_at": now, "updated_at": now})
        Verification.objects.create(applicant=applicant, level=RealNameLevel.L1, method=VerificationMethod.REGISTRATION,
                                    outcome=VerificationOutcome.PASSED, at=now)
        record_audit(actor=user, event_type="identity_enterprise_registered", subject_type="applicant",
                     subject_id=applicant.pk, at=now, details={"phone": mask_phone(mobile), "operator": op_name})
    return user


# ------------------------------------------------------------------------------ real-name levels


def _raise_level(applicant: Applicant, level: int, now: dt.datetime) -> RealName:
    real, _created = RealName.objects.select_for_update().get_or_create(
        applicant=applicant, defaults={"level": level, "registered_at": now, "updated_at": now})
    if real.level < level:
        real.level, real.updated_at = level, now
        real.save(update_fields=["level", "updated_at"])
    return real


def _fail(*, applicant: Applicant, actor: User, level: int, method: str, reason: str, access_id: int | None,
          now: dt.datetime, message: str) -> DomainError:
    with transaction.atomic():
        row = Verification.objects.create(applicant=applicant, level=level, method=method,
                                          outcome=VerificationOutcome.FAILED, reason=reason[:200], access_id=access_id,
                                          at=now)
        record_audit(actor=actor, event_type="identity_verification_failed", subject_type="applicant",
                     subject_id=applicant.pk, at=now,
                     details={"verification": row.pk, "method": method, "reason": reason[:200], "access": access_id})
    return InvalidInput(Code.VERIFICATION_FAILED, message, {"reason": reason[:200]})


def _unavailable(detail: str) -> DomainError:
    return Conflict(Code.VERIFICATION_UNAVAILABLE, _(
        "暂时无法在线核验（数据共享服务不可用）。请稍后再试，或携带证件到政务服务中心窗口当面核验（L3）。"),
        {"reason": detail[:200]})


def _gender_of(id_number: str) -> str:
    return "女" if int(id_number[16]) % 2 == 0 else "男"


GENDER_CODES = {"1": "男", "2": "女"}  # GB/T 2261.1


def verify_online(*, actor: User, now: dt.datetime | None = None) -> Verification | None:
    """Raise the actor's account to L2 by checking it against the source department's data through
    the data-sharing gateway (``yiwang.exchange.services.lookup``: the one policy function, the
    access log, the audit): a person against 公安's population resource (the name and the gender
    must match the ID number's), an enterprise against 市场监管's enterprise registry (name and
    legal representative match, registration still in force).

    The service centre is the consumer, under its own subscription; the lookup is the account
    holder's own record, made at their request, so it needs no case or reason (``policy.justify``
    asks that of staff looking people up). A failed check is recorded and refused (422)."""
    from yiwang.exchange import policy
    from yiwang.exchange.models import Channel
    from yiwang.exchange.services import lookup

    now = _now(now)
    applicant = getattr(actor, "applicant", None)
    if applicant is None:
        raise Forbidden(Code.NOT_AN_APPLICANT, _("当前账号不是申请人账号，无需实名核验。"))
    if level_of(applicant) >= RealNameLevel.L2:
        return Verification.objects.filter(applicant=applicant, outcome=VerificationOutcome.PASSED).first()  # None when no passed check is on file (the level was set another way)
    day_start = now - dt.timedelta(days=1)
    limit = _setting("YIWANG_IDENTITY_VERIFICATIONS_PER_DAY", 5)
    if Verification.objects.filter(applicant=applicant, at__gt=day_start, outcome=VerificationOutcome.FAILED,
                                   method__in=[VerificationMethod.POPULATION,
                                               VerificationMethod.ENTERPRISE_REGISTRY]).count() >= limit:
        raise DomainError(Code.VERIFICATION_RATE_LIMITED, _(
            "24 小时内在线核验未通过已达 %(n)s 次，请明日再试，或携带证件到政务服务中心窗口核验。") % {"n": limit},
            {"limit": limit}, status=429)
    centre = Department.objects.filter(is_service_centre=True).order_by("sort_order", "pk").first()
    if centre is None:
        raise _unavailable("no service centre department")
    person = applicant.kind == ApplicantKind.PERSON
    if person:
        resource = getattr(settings, "YIWANG_IDENTITY_POPULATION_RESOURCE", "GA_RKJBXX")
        fields, method = ["name", "gender"], VerificationMethod.POPULATION
    else:
        resource = getattr(settings, "YIWANG_IDENTITY_ENTERPRISE_RESOURCE", "SCJG_QYDJXX")
        fields, method = ["name", "legal_representative", "status"], VerificationMethod.ENTERPRISE_REGISTRY
    try:
        result = lookup(consumer=policy.Consumer(department=centre), resource_code=resource, key=applicant.id_number,
                        fields=fields, purpose=_("实名核验（L2）：账号持有人本人申请"), actor=actor, channel=Channel.WEB,
                        now=now)
    except DomainError as exc:  # refused by the policy (no subscription, quota …): logged by the gateway
        raise _unavailable(f"{exc.code}: {exc.message}") from exc
    masked = [f for f in fields if f in result.masked]
    if masked:  # a masked value cannot be compared: a configuration problem, not the person's
        raise _unavailable(f"fields served masked: {','.join(masked)}")
    data = result.data
    problems: list[str] = []
    if not result.found:
        problems.append("not_found")
    elif person:
        if (data.get("name") or "").strip() != applicant.name.strip():
            problems.append("name")
        gender = GENDER_CODES.get(str(data.get("gender")), str(data.get("gender") or ""))
        if gender and gender != _gender_of(applicant.id_number):
            problems.append("gender")
    else:
        rep = applicant.legal_representative.strip()
        if (data.get("name") or "").strip() != applicant.name.strip():
            problems.append("name")
        if (data.get("legal_representative") or "").strip() != rep:
            problems.append("legal_representative")
        if data.get("status") not in ("存续", "在业"):
            problems.append("status")
    if problems:
        messages = {
            "not_found": _("数据来源部门没有该证件号码的记录"),
            "name": _("姓名或名称与证件号码不一致"),
            "gender": _("性别与证件号码不一致"),
            "legal_representative": _("法定代表人与登记信息不一致"),
            "status": _("企业登记状态不是存续或在业"),
        }
        reason = ",".join(problems)
        raise _fail(applicant=applicant, actor=actor, level=RealNameLevel.L2, method=method, reason=reason,
                    access_id=result.access_id, now=now,
                    message=_("在线核验未通过：%(why)s。请核对注册信息，或携带证件到政务服务中心窗口核验。")
                    % {"why": "；".join(messages[p] for p in problems)})
    with transaction.atomic():
        _raise_level(applicant, RealNameLevel.L2, now)
        row = Verification.objects.create(applicant=applicant, level=RealNameLevel.L2, method=method,
                                          outcome=VerificationOutcome.PASSED, access_id=result.access_id, at=now)
        record_audit(actor=actor, event_type="identity_level_raised", subject_type="applicant", subject_id=applicant.pk,
                     at=now, details={"level": RealNameLevel.L2, "method": method, "access": result.access_id,
                                      "resource": resource})
    return row


def window_text_limits() -> dict[str, int]:
    """The most characters each free text of the window page may have (the models' ``max_length``),
    for the form to say; the services below refuse more, never cut it."""
    return {"note": max_chars(Verification, "note"), "paper_reference": max_chars(Authorisation, "paper_reference")}


def verify_at_window(*, actor: User, applicant: Applicant, document_checked: bool, note: str,
                     now: dt.datetime | None = None) -> Verification:
    """A window clerk saw the person (or, for an enterprise, the legal representative or the
    operator with the business licence) and their original documents: the account reaches L3.
    ``note`` says what was seen (e.g. 居民身份证原件，人证一致)."""
    now = _now(now)
    clerk_department = is_window_clerk(actor)
    if clerk_department is None:
        raise Forbidden(Code.NOT_A_CLERK, _("只有政务服务中心窗口人员可以进行窗口核验。"))
    if not document_checked:
        raise InvalidInput(Code.DOCUMENT_NOT_CHECKED, _("请先当面查验证件原件并勾选确认。"), {"field": "document_checked"})
    note = field_text(note, Verification, "note")
    if len(note) < 4:
        raise InvalidInput(Code.NOTE_REQUIRED, _("请写明核验记录（查验了哪些证件，至少 4 个字）。"), {"field": "note"})
    with transaction.atomic():
        _raise_level(applicant, RealNameLevel.L3, now)
        row = Verification.objects.create(applicant=applicant, level=RealNameLevel.L3, method=VerificationMethod.WINDOW,
                                          outcome=VerificationOutcome.PASSED, verified_by=actor, note=note, at=now)
        record_audit(actor=actor, actor_department=clerk_department, event_type="identity_level_raised",
                     subject_type="applicant", subject_id=applicant.pk, at=now,
                     details={"level": RealNameLevel.L3, "method": VerificationMethod.WINDOW, "note": note})
    return row


def find_applicant_for_window(*, actor: User, kind: str, id_number: str) -> Applicant:
    """The applicant a clerk is about to verify or register an authorisation for, by ID number."""
    if is_window_clerk(actor) is None:
        raise Forbidden(Code.NOT_A_CLERK, _("只有政务服务中心窗口人员可以查找申请人。"))
    value = validate_applicant_id(kind=kind, id_number=id_number)
    applicant = Applicant.objects.with_id_number(kind, value).first()
    if applicant is None:
        raise NotFound(Code.APPLICANT_NOT_FOUND, _("没有该证件号码的申请人。"), {"field": "id_number"})
    return applicant


# ------------------------------------------------------------------------------ 委托代办


def _agent(id_number: str, name: str, actor: User) -> Applicant:
    try:
        number = validate_applicant_id(kind=ApplicantKind.PERSON, id_number=id_number)
    except InvalidInput as exc:
        exc.details = {**exc.details, "field": "agent_id_number"}
        raise
    name = _name(name, "agent_name")
    existing = Applicant.objects.with_id_number(ApplicantKind.PERSON, number).first()
    if existing is not None:
        if existing.name != name:
            raise InvalidInput(Code.AGENT_INVALID, _("代办人姓名与公民身份号码不符，请核对。"), {"field": "agent_name"})
        return existing
    # not known yet: recorded now, so that the authorisation holds once the agent registers
    return register_applicant(actor=actor, kind=ApplicantKind.PERSON, name=name, id_number=number)


def _scope(all_items: bool, item_codes: Sequence[str], principal: Applicant) -> list[Any]:
    from yiwang.catalog.models import ServiceItem

    if all_items:
        return []
    codes = list(dict.fromkeys(c.strip() for c in item_codes if c and c.strip()))
    if not codes:
        raise InvalidInput(Code.SCOPE_INVALID, _("请选择委托的事项，或选择“全部事项”。"), {"field": "items"})
    items = list(ServiceItem.objects.filter(code__in=codes, is_active=True))
    unknown = sorted(set(codes) - {i.code for i in items})
    if unknown:
        raise InvalidInput(Code.SCOPE_INVALID, _("事项不存在或已停止办理：%(codes)s。") % {"codes": "、".join(unknown[:10])},
                           {"field": "items", "unknown": unknown[:50]})
    wrong = [i.name for i in items if not i.accepts(principal.kind)]
    if wrong:
        raise InvalidInput(Code.SCOPE_INVALID, _("委托人不能办理这些事项：%(names)s。") % {"names": "、".join(wrong[:10])},
                           {"field": "items"})
    return items


def grant_authorisation(
    *, actor: User, principal: Applicant, agent_id_number: str, agent_name: str, all_items: bool,
    item_codes: Sequence[str] = (), valid_until: dt.datetime | None, paper_reference: str = "", now: dt.datetime | None = None,
) -> Authorisation:
    """Record that ``principal`` lets the agent apply on their behalf (委托代办).

    Online the principal records it themselves and must have reached L2 (a self-declared account
    cannot hand its name to someone else). At the window a clerk records it from the signed paper
    authorisation (``paper_reference``), having seen the principal's documents."""
    now = _now(now)
    paper_reference = field_text(paper_reference, Authorisation, "paper_reference")
    clerk_department = is_window_clerk(actor)
    own = getattr(actor, "applicant", None)
    if own is not None and own.pk == principal.pk:
        source = AuthorisationSource.ONLINE
        required = RealNameLevel(_setting("YIWANG_IDENTITY_GRANT_LEVEL", RealNameLevel.L2))
        if level_of(principal) < required:
            raise level_too_low(required=required, current=level_of(principal),
                                what=_("网上委托他人代办"))
    elif clerk_department is not None:
        source = AuthorisationSource.WINDOW
        if not paper_reference:
            raise InvalidInput(Code.PAPER_REFERENCE_REQUIRED, _("窗口登记委托须填写书面委托书编号。"),
                               {"field": "paper_reference"})
    else:
        raise Forbidden(Code.NOT_AUTHORISED, _("只能由委托人本人或窗口人员登记委托。"))
    agent = _agent(agent_id_number, agent_name, actor)
    if agent.pk == principal.pk:
        raise InvalidInput(Code.AGENT_INVALID, _("不能委托本人代办。"), {"field": "agent_id_number"})
    items = _scope(all_items, item_codes, principal)
    if valid_until is None or valid_until <= now:
        raise InvalidInput(Code.VALIDITY_INVALID, _("委托截止时间须晚于现在。"), {"field": "valid_until"})
    longest = dt.timedelta(days=_setting("YIWANG_IDENTITY_AUTHORISATION_MAX_DAYS", 366))
    if valid_until > now + longest:
        raise InvalidInput(Code.VALIDITY_INVALID, _("委托有效期最长 %(d)s 天。") % {"d": longest.days},
                           {"field": "valid_until", "max_days": longest.days})
    with transaction.atomic():
        authorisation = Authorisation.objects.create(
            principal=principal, agent=agent, all_items=all_items, valid_from=now, valid_until=valid_until,
            source=source, paper_reference=paper_reference, created_by=actor, created_at=now)
        if items:
            authorisation.items.set(items)
        record_audit(actor=actor, actor_department=clerk_department if source == AuthorisationSource.WINDOW else None,
                     event_type="identity_authorisation_granted", subject_type="authorisation",
                     subject_id=authorisation.pk, at=now,
                     details={"principal": principal.pk, "agent": agent.pk, "all_items": all_items,
                              "items": [i.code for i in items], "valid_until": valid_until.isoformat(),
                              "source": source, "paper_reference": paper_reference})
    return authorisation


def revoke_authorisation(*, actor: User, authorisation: Authorisation, reason: str = "",
                         now: dt.datetime | None = None) -> Authorisation:
    """End an authorisation: the principal, the agent (giving it up) or a window clerk."""
    now = _now(now)
    own = getattr(actor, "applicant", None)
    clerk_department = is_window_clerk(actor)
    parties = {authorisation.principal_id, authorisation.agent_id}
    if not ((own is not None and own.pk in parties) or clerk_department is not None or actor.is_superuser):
        raise NotFound(Code.AUTHORISATION_NOT_FOUND, _("委托不存在。"))
    reason = field_text(reason, Authorisation, "revoke_reason", field="reason")
    with transaction.atomic():
        locked = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
        if not locked.can_revoke():
            raise Conflict(Code.ILLEGAL_TRANSITION, _("该委托已撤销。"), {"status": locked.status})
        locked.status, locked.revoked_at, locked.revoked_by = AuthorisationStatus.REVOKED, now, actor
        locked.revoke_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
        record_audit(actor=actor, actor_department=clerk_department, event_type="identity_authorisation_revoked",
                     subject_type="authorisation", subject_id=locked.pk, at=now,
                     details={"reason": locked.revoke_reason, "principal": locked.principal_id, "agent": locked.agent_id})
    return locked


# ------------------------------------------------------------------------------ rules the cases app calls


LEVEL_HOW = {
    RealNameLevel.L1: "",
    RealNameLevel.L2: "在“我的实名”页面一键完成公安人口库核验（L2）；或携带证件到政务服务中心窗口当面核验（L3）。",
    RealNameLevel.L3: "携带证件原件到政务服务中心窗口，由工作人员当面核验（L3）。",
}


def level_too_low(*, required: int, current: int, what: str) -> DomainError:
    """The refusal when an account's real-name level is below what something requires: says what
    is required, where the account stands and how to raise it (a 403 with a way forward)."""
    from django.urls import reverse

    req, cur = RealNameLevel(required), RealNameLevel(current)
    how = _(LEVEL_HOW.get(req, "")) if req in LEVEL_HOW else ""
    return Forbidden(Code.LEVEL_TOO_LOW, _("%(what)s须达到实名等级“%(required)s”，您当前为“%(current)s”。%(how)s")
                     % {"what": what, "required": req.label, "current": cur.label, "how": how},
                     {"required_level": int(req), "current_level": int(cur), "how": how,
                      "url": reverse("identity:me")})


def require_level(*, applicant: Applicant, item: Any) -> None:
    """Refuse when the applying account (the applicant, or the agent acting for one) is below the
    item's ``required_level``."""
    required = int(getattr(item, "required_level", 0) or 0)
    current = level_of(applicant)
    if current < required:
        raise level_too_low(required=required, current=current,
                            what=_("办理“%(item)s”") % {"item": item.name})


def authorisation_for(*, agent: Applicant, principal: Applicant, item: Any, now: dt.datetime | None = None) -> Authorisation:
    """The authorisation under which ``agent`` may apply for ``item`` on behalf of ``principal``,
    or the refusal that says why not (none, revoked, expired, outside its scope)."""
    now = _now(now)
    granted = list(Authorisation.objects.filter(agent=agent, principal=principal).prefetch_related("items")
                   .order_by("-created_at", "-id"))
    who = {"principal": principal.name}
    if not granted:
        raise Forbidden(Code.NOT_AUTHORISED, _("您没有%(principal)s的委托代办授权。") % who)
    active = [a for a in granted if a.is_active(now)]
    if not active:
        if any(a.status == AuthorisationStatus.REVOKED for a in granted) and not any(
                a.status == AuthorisationStatus.ACTIVE for a in granted):
            raise Forbidden(Code.AUTHORISATION_REVOKED, _("%(principal)s的委托已撤销，不能再代为申请。") % who)
        raise Forbidden(Code.AUTHORISATION_EXPIRED, _("%(principal)s的委托不在有效期内，不能代为申请。") % who)
    for a in active:
        if a.all_items or any(i.pk == item.pk for i in a.items.all()):
            return a
    raise Forbidden(Code.AUTHORISATION_OUT_OF_SCOPE, _("%(principal)s的委托不包括事项“%(item)s”。")
                    % {**who, "item": item.name}, {"item": item.code})
