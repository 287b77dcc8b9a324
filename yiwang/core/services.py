"""Writes owned by ``core``: audit records, applicants, API tokens, the calendar, and the account
controls (login history, token revocation, password changes, second-factor devices, unlocking)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.signals import post_save, pre_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.calendar import invalidate_calendar_cache
from yiwang.core.errors import CoreErrorCode, DomainError, Forbidden, InvalidInput
from yiwang.core.ids import citizen_id_problem, normalize_id, uscc_problem
from yiwang.core.models import (
    ApiToken,
    Applicant,
    ApplicantKind,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    CalendarYearStatus,
    Department,
    LoginEvent,
    LoginMethod,
    PasswordHistory,
    StaffRole,
    UserPreferences,
)
from yiwang.core.precompiled import PrecompiledQuery
from yiwang.core.selectors import remember_staff_roles
from yiwang.core.users import User


def record_audit(
    *,
    actor: User | None,
    event_type: str,
    subject_type: str,
    subject_id: Any,
    details: dict[str, Any] | None = None,
    actor_department: Department | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Write one audit record; call inside the transaction of the change it records.

    ``at`` is the business time of the change (the services' ``now``); it defaults to now. Inside an
    ``audit_batch()`` holding queued records, those are written first, in the same ``INSERT``: the
    records keep the order of their calls (ids), and the caller gets its record's id at once."""
    event = _audit_event(actor=actor, actor_department=actor_department, event_type=event_type,
                         subject_type=subject_type, subject_id=subject_id, details=details, at=at)
    batch = _open_batch()
    if batch is not None and batch.events:
        queued, batch.events = batch.events, []
        record_audits([*queued, event])
    else:
        record_audits([event])
    return event


@dataclass
class _AuditBatch:
    depth: int  # the savepoint depth the batch was opened at (``_savepoint_depth``)
    events: list[AuditEvent] = field(default_factory=list)


_audit_batch: ContextVar[_AuditBatch | None] = ContextVar("yiwang_audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Collect the audit records an action queues (``queue_audit``) and write them in ONE ``INSERT``
    when the block ends without an exception (issue #14: one statement for an action's records, not
    one per record). Open it inside the action's ``transaction.atomic()``: the records still commit
    or roll back with the change they record. An exception discards the queue (its transaction rolls
    back anyway). A batch opened inside another joins it.

    A record queued inside a savepoint the caller opened after the batch (a nested ``atomic()``) is
    written at once instead, so that rolling back that savepoint also takes its record away."""
    if _audit_batch.get() is not None:
        yield
        return
    db = _audit_connection()
    if not db.in_atomic_block:
        raise RuntimeError("audit_batch() belongs inside the transaction of the change it records")
    batch = _AuditBatch(depth=_savepoint_depth(db))
    token = _audit_batch.set(batch)
    try:
        yield
    finally:
        _audit_batch.reset(token)
    # not reached on an exception: nothing of a failed action is written
    record_audits(batch.events)


def queue_audit(
    *,
    actor: User | None,
    event_type: str,
    subject_type: str,
    subject_id: Any,
    details: dict[str, Any] | None = None,
    actor_department: Department | None = None,
    at: dt.datetime | None = None,
) -> None:
    """``record_audit`` for a caller that needs nothing back (no id): inside ``audit_batch()`` the
    record joins the batch's one ``INSERT``; elsewhere (or inside a savepoint opened after the
    batch) it is written at once."""
    event = _audit_event(actor=actor, actor_department=actor_department, event_type=event_type,
                         subject_type=subject_type, subject_id=subject_id, details=details, at=at)
    batch = _open_batch()
    if batch is not None:
        batch.events.append(event)
    else:
        record_audits([event])


def _audit_event(*, actor: User | None, actor_department: Department | None, event_type: str, subject_type: str,
                 subject_id: Any, details: dict[str, Any] | None, at: dt.datetime | None) -> AuditEvent:
    """The unsaved record ``record_audit`` and ``queue_audit`` write (an anonymous actor is none)."""
    return AuditEvent(**audit_values(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        actor_department_id=actor_department.pk if actor_department is not None else None,
        event_type=event_type, subject_type=subject_type, subject_id=subject_id, details=details, at=at))


def flush_audits() -> None:
    """Write the open batch's queued records now (one ``INSERT``): before a savepoint whose records
    must come after them (ids are the records' order), as their own rows would be written at once
    inside it."""
    batch = _open_batch()
    if batch is not None and batch.events:
        queued, batch.events = batch.events, []
        record_audits(queued)


def _open_batch() -> _AuditBatch | None:
    """The open ``audit_batch()``, if this call is at its savepoint depth (not inside a savepoint
    opened after it, whose rollback must take its records away)."""
    batch = _audit_batch.get()
    if batch is None:
        return None
    db = _audit_connection()
    if db.in_atomic_block and _savepoint_depth(db) == batch.depth:
        return batch
    return None


def _savepoint_depth(db: BaseDatabaseWrapper) -> int:
    """The savepoints open on ``db``. A nested ``atomic(savepoint=False)`` opens none: it
    cannot be rolled back on its own (a failure inside it dooms the whole transaction), so a record
    queued inside it may join the batch (the credit register's entry of a decision does)."""
    return sum(1 for sid in db.savepoint_ids if sid is not None)


def record_audits(events: list[AuditEvent]) -> list[AuditEvent]:
    """Write audit records in one prepared ``INSERT … VALUES (…), (…) RETURNING id``, then send each
    record's ``pre_save``/``post_save`` (``created=True``) as ``save()`` would: the receivers that
    follow audit records (insights' 好差评 KPIs, ``on_audit_recorded``) must see every row. Prepared
    rather than the ORM's ``save``/``bulk_create``, whose compiling cost twice the statement's client
    CPU on every audited write (docs/benchmarks.md, credit4); the row is the same (``details``
    encoded as ``JSONField`` encodes it). Call inside the transaction of the change they record."""
    if not events:
        return events
    db = _audit_connection()
    params: list[Any] = []
    for event in events:
        pre_save.send(sender=AuditEvent, instance=event, raw=False, using=db.alias, update_fields=None)
        params += _audit_row({column: getattr(event, column) for column in AUDIT_COLUMNS}, db)
    ids: list[int] = []
    width = len(AUDIT_COLUMNS)
    with db.cursor() as cursor:
        for start in range(0, len(events), _AUDIT_ROWS_PER_INSERT):  # bound the statement's parameters
            rows = min(_AUDIT_ROWS_PER_INSERT, len(events) - start)
            cursor.execute(_audit_rows_sql(rows), params[start * width:(start + rows) * width])
            ids += [row[0] for row in cursor.fetchall()]
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
        event._state.adding, event._state.db = False, db.alias
        post_save.send(sender=AuditEvent, instance=event, created=True, update_fields=None, raw=False, using=db.alias)
    return events


_AUDIT_ROWS_PER_INSERT = 500  # 3,500 parameters: under SQLite's and psycopg's limits


@functools.lru_cache(maxsize=64)
def _audit_rows_sql(rows: int) -> str:
    """The prepared insert of ``rows`` audit records, their ids returned in the order of the rows (as
    Django's ``bulk_create`` relies on, on PostgreSQL and on SQLite ≥ 3.35)."""
    row = "(" + ", ".join(["%s"] * len(AUDIT_COLUMNS)) + ")"
    return (f"INSERT INTO {AuditEvent._meta.db_table} ({', '.join(AUDIT_COLUMNS)}) VALUES "
            f"{', '.join([row] * rows)} RETURNING {AuditEvent._meta.pk.column}")


def audit_values(*, actor_id: int | None, actor_department_id: int | None, event_type: str, subject_type: str,
                 subject_id: Any, details: dict[str, Any] | None, at: dt.datetime | None) -> dict[str, Any]:
    """What one audit record holds, column by column: the one definition, used by ``record_audit``
    and by ``audit_insert_sql`` for writers that insert it in the statement of their own change."""
    return {"created_at": at or timezone.now(), "actor_id": actor_id, "actor_department_id": actor_department_id,
            "event_type": event_type, "subject_type": subject_type, "subject_id": str(subject_id),
            "details": details or {}}


AUDIT_COLUMNS = ("created_at", "actor_id", "actor_department_id", "event_type", "subject_type", "subject_id", "details")
_AUDIT_PG_TYPES = {"created_at": "timestamptz", "actor_id": "bigint", "actor_department_id": "bigint",
                   "event_type": "text", "subject_type": "text", "subject_id": "varchar", "details": "jsonb"}


def audit_insert_sql(*, prefix: str, select_from: str | None = None, subject_id_sql: str | None = None) -> str:
    """An ``INSERT`` of the audit record whose values ``audit_sql_params(prefix=...)`` gives, for a
    writer that must put it in the same statement or transaction as its own rows (the data-sharing
    gateway: one round trip per lookup on PostgreSQL). ``select_from`` (PostgreSQL) names a CTE the
    record is inserted from, one record per row, with ``subject_id_sql`` computed from it; without
    it, one record from the parameters. Returns the record's ``subject_id``."""
    columns = ", ".join(AUDIT_COLUMNS)
    if select_from is None:
        values = ", ".join(f"%({prefix}{c})s" for c in AUDIT_COLUMNS)
        return f"INSERT INTO {AuditEvent._meta.db_table} ({columns}) VALUES ({values})"
    exprs = [subject_id_sql if c == "subject_id" and subject_id_sql else f"%({prefix}{c})s::{_AUDIT_PG_TYPES[c]}"
             for c in AUDIT_COLUMNS]
    return (f"INSERT INTO {AuditEvent._meta.db_table} ({columns}) SELECT {', '.join(exprs)} FROM {select_from} "
            "RETURNING subject_id")


def audit_sql_params(values: dict[str, Any], *, prefix: str) -> dict[str, Any]:
    """``audit_values`` adapted for raw SQL on the audit connection (``_audit_row``), keys prefixed."""
    return {f"{prefix}{column}": value
            for column, value in zip(AUDIT_COLUMNS, _audit_row(values, _audit_connection()), strict=True)}


def _audit_row(values: dict[str, Any], db: BaseDatabaseWrapper) -> list[Any]:
    """One record's values (``AUDIT_COLUMNS`` order) adapted for raw SQL on ``db`` as the ORM's save
    would adapt them: the one home for both raw writers (``record_audits``, the gateway's
    ``audit_sql_params``). ``created_at`` through its field (an aware UTC time on every backend);
    ``details`` encoded as ``JSONField`` encodes it (``json.dumps``, no encoder), so that a value
    that is not JSON is refused with ``TypeError`` as ``save()`` refused it."""
    created_at = AuditEvent._meta.get_field("created_at")
    return [created_at.get_db_prep_save(values[column], db) if column == "created_at"
            else json.dumps(values[column]) if column == "details" else values[column]
            for column in AUDIT_COLUMNS]


def _audit_connection() -> BaseDatabaseWrapper:
    """The connection audit records are written on: the router's write alias for ``AuditEvent``
    (``core.replica.ReplicaRouter`` sends every write to the primary). The batch's transaction and
    savepoint checks (``audit_batch``, ``_open_batch``) look at the same connection, and the gateway,
    which writes its access row and audit row in one statement, uses the default connection, which is
    this one as long as that router sends writes to ``default``."""
    return connections[router.db_for_write(AuditEvent)]


def validate_applicant_id(*, kind: str, id_number: str) -> str:
    """Return the normalised ID number or raise a coded error naming what is wrong with it."""
    value = normalize_id(id_number)
    if kind == ApplicantKind.PERSON:
        problem = citizen_id_problem(value)
        if problem:
            raise InvalidInput(
                CoreErrorCode.INVALID_CITIZEN_ID,
                _("公民身份号码无效（%(problem)s）：请核对 18 位号码及校验位。") % {"problem": _problem_label(problem)},
                {"field": "id_number", "problem": problem},
            )
    elif kind == ApplicantKind.ORGANISATION:
        problem = uscc_problem(value)
        if problem:
            raise InvalidInput(
                CoreErrorCode.INVALID_USCC,
                _("统一社会信用代码无效（%(problem)s）：请核对 18 位代码及校验位。") % {"problem": _problem_label(problem)},
                {"field": "id_number", "problem": problem},
            )
    else:
        raise InvalidInput(CoreErrorCode.VALIDATION_FAILED, _("申请人类型无效。"), {"field": "kind"})
    return value


def _problem_label(problem: str) -> str:
    return {"format": _("格式错误"), "birth_date": _("出生日期错误"), "check_digit": _("校验位错误")}.get(problem, problem)


def register_applicant(
    *,
    actor: User | None,
    kind: str,
    name: str,
    id_number: str,
    phone: str = "",
    address: str = "",
    legal_representative: str = "",
    user: User | None = None,
) -> Applicant:
    """Find the applicant with this ID number, or register a new one (e.g. a walk-in at the window)."""
    value = validate_applicant_id(kind=kind, id_number=id_number)
    if not (name or "").strip():
        raise InvalidInput(CoreErrorCode.VALIDATION_FAILED, _("请填写申请人名称。"), {"field": "name"})
    with transaction.atomic():
        existing = Applicant.objects.select_for_update().with_id_number(kind, value).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                applicant = Applicant.objects.create(
                    kind=kind,
                    name=name.strip(),
                    id_number=value,
                    phone=phone,
                    address=address,
                    legal_representative=legal_representative,
                    user=user,
                )
        except IntegrityError:
            return Applicant.objects.with_id_number(kind, value).get()
        record_audit(
            actor=actor,
            event_type="applicant_registered",
            subject_type="applicant",
            subject_id=applicant.pk,
            details={"kind": kind},
        )
        return applicant


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(*, request: HttpRequest, username: str, password: str, otp: str = "") -> str:
    """Check the credentials (through django-axes, so failures count towards the lockout) and, for
    staff where a second factor is required, the TOTP code; return a new bearer token (only its
    digest is stored)."""
    from yiwang.core.lockout import lockout_message
    from yiwang.core.permissions import has_staff_controls, otp_required
    from yiwang.core.selectors import password_expired

    request.yiwang_login_method = LoginMethod.TOKEN  # type: ignore[attr-defined]  # an attribute of our own, set on the request for later middleware
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise DomainError(CoreErrorCode.LOCKED_OUT, lockout_message(), {"username": username}, status=429)
    if user is None or not user.is_active:
        raise DomainError(CoreErrorCode.BAD_CREDENTIALS, _("用户名或密码错误。"), status=401)
    if otp_required(user):
        device = _verify_otp(user, otp)
        if device is None:
            # Counted like a wrong password (lockout) and shown in the login history as an OTP failure.
            request.yiwang_login_method = LoginMethod.OTP  # type: ignore[attr-defined]  # an attribute of our own, set on the request for later middleware
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
            if not otp:
                raise DomainError(CoreErrorCode.OTP_REQUIRED, _("工作人员申请访问令牌须同时提供动态口令（otp 字段，6 位数字）。"),
                                  {"field": "otp"}, status=401)
            raise DomainError(CoreErrorCode.OTP_INVALID, _("动态口令错误或已过期，请查看验证器应用中的最新口令。"),
                              {"field": "otp"}, status=401)
    if has_staff_controls(user) and password_expired(user):
        raise DomainError(CoreErrorCode.PASSWORD_INVALID, _("密码已过期：请先登录网页修改密码，再申请访问令牌。"),
                          {"reason": "password_expired"}, status=403)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(
            user=user,
            digest=_digest(token),
            expires_at=timezone.now() + dt.timedelta(hours=settings.YIWANG_TOKEN_TTL_HOURS),
        )
        record_audit(actor=user, event_type="api_token_issued", subject_type="user", subject_id=user.pk)
        record_login_event(request=request, user=user, username=user.get_username(), success=True,
                           method=LoginMethod.TOKEN)
    # A successful sign-in clears this username+IP's failures, as a web login does. A token is not a
    # session: axes' access log hashes the request's session key and would create a session for it
    # (a database row, and a session cookie in the token's answer), so it is shown no session.
    from axes.handlers.proxy import AxesProxyHandler

    session = request.__dict__.pop("session", None)
    try:
        AxesProxyHandler.user_logged_in(sender=__name__, request=request, user=user)
    finally:
        if session is not None:
            request.session = session  # SessionMiddleware's attribute, put back
    return token


def _verify_otp(user: User, otp: str) -> Any:
    from django_otp import devices_for_user

    code = (otp or "").strip()
    if not (code.isdigit() and 6 <= len(code) <= 8):
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def _token_user_columns() -> tuple[list[str], list[str]]:
    """The user's and a department's columns, in the order ``_token_user_rows`` reads them (and
    ``user_for_token`` splits its rows by)."""
    return ([f.attname for f in get_user_model()._meta.concrete_fields],
            [f.attname for f in Department._meta.concrete_fields])


def _token_user_rows(digest: str, now: dt.datetime) -> QuerySet:
    user_fields, department_fields = _token_user_columns()
    columns = ([f"user__{f}" for f in user_fields] + ["user__staff_roles__id", "user__staff_roles__role"]
               + [f"user__staff_roles__department__{f}" for f in department_fields])
    return (ApiToken.objects.filter(digest=digest, expires_at__gt=now, revoked_at__isnull=True, user__is_active=True)
            .order_by("user__staff_roles__id")
            .values_list(*columns))


# Every API request reads this: compiled once per connection (yiwang/core/precompiled.py).
_TOKEN_USER_ROWS = PrecompiledQuery(_token_user_rows, digest=str, now=dt.datetime)


def user_for_token(token: str) -> User | None:
    """The live token's user, with their staff roles already attached (``staff_roles_of`` then reads
    no more): one query, the token joined to its user and, outer-joined, to each of the user's roles
    and its department (one row per role; one row with empty role columns for a user with none).
    Every API request pays this query, so the permission checks that follow cost nothing more, and
    its SQL is compiled once per connection."""
    user_fields, department_fields = _token_user_columns()
    rows = _TOKEN_USER_ROWS.fetch(digest=_digest(token), now=timezone.now())
    if not rows:
        return None
    db = ApiToken.objects.db
    n_user = len(user_fields)
    user = get_user_model().from_db(db, user_fields, rows[0][:n_user])
    roles = []
    for row in rows:
        role_id, role = row[n_user], row[n_user + 1]
        if role_id is None:
            continue
        department = Department.from_db(db, department_fields, row[n_user + 2:])
        staff_role = StaffRole(id=role_id, user_id=user.pk, department_id=department.pk, role=role)
        staff_role._state.adding, staff_role._state.db = False, db
        staff_role.department = department
        roles.append(staff_role)
    remember_staff_roles(user, roles)
    return user


def revoke_api_tokens(*, actor: User | None, user: User, reason: str,
                      token_ids: list[int] | None = None) -> int:
    """Revoke a user's live tokens (all of them, or those named); returns how many were revoked.

    ``reason``: ``user`` (they revoked their own), ``admin`` or ``password_changed``."""
    now = timezone.now()
    with transaction.atomic():
        live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        if token_ids is not None:
            live = live.filter(pk__in=token_ids)
        ids = list(live.values_list("pk", flat=True))
        count = ApiToken.objects.filter(pk__in=ids).update(revoked_at=now)
        record_audit(actor=actor, event_type="api_tokens_revoked", subject_type="user", subject_id=user.pk,
                     details={"reason": reason, "tokens": ids}, at=now)
    return count


def record_login_event(*, request: HttpRequest | None, user: User | None, username: str,
                       success: bool, method: str, reason: str = "") -> LoginEvent:
    """The one writer of the login history (sign-ins and failures, by password, token or OTP)."""
    meta = request.META if request is not None else {}
    ip = meta.get("REMOTE_ADDR") or None
    return LoginEvent.objects.create(
        user=user if user is not None and user.pk else None,
        username=(username or "")[:150],
        success=success,
        method=method,
        ip_address=ip,
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:300],
        reason=reason[:64],
    )


def password_changed(*, user: User) -> None:
    """What every password change brings: the hash joins the history (for the no-reuse rule and
    expiry), every API token of the user is revoked, and the change is audited.

    Called from ``passwords.HistoryValidator.password_changed``, the hook Django runs on every save
    of a new password (``change_password`` below, the admin's form, ``PasswordChangeView``,
    ``manage.py changepassword``), so no path can skip it."""
    keep = max(settings.YIWANG_PASSWORD_HISTORY, 1)
    with transaction.atomic():
        PasswordHistory.objects.create(user=user, password_hash=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        if ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists():
            revoke_api_tokens(actor=None, user=user, reason="password_changed")
        record_audit(actor=None, event_type="user_password_changed", subject_type="user", subject_id=user.pk)


def change_password(*, actor: User, user: User, old_password: str | None,
                    new_password: str) -> None:
    """A user changes their password (``old_password`` checked), or an administrator sets one
    (``old_password=None``). The rules are AUTH_PASSWORD_VALIDATORS (``yiwang.core.passwords``)."""
    from django.contrib.auth.password_validation import validate_password

    if old_password is not None and not user.check_password(old_password):
        raise InvalidInput(CoreErrorCode.PASSWORD_INVALID, _("原密码不正确。"), {"field": "old_password"})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput(CoreErrorCode.PASSWORD_INVALID, " ".join(exc.messages),
                           {"field": "new_password", "problems": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])  # runs password_changed() above
        if actor is not None and actor.pk != user.pk:
            record_audit(actor=actor, event_type="user_password_set", subject_type="user", subject_id=user.pk)


def start_totp_enrolment(*, user: User) -> Any:
    """An unconfirmed TOTP device for the user to scan (a previous unconfirmed one is replaced);
    it counts only once ``confirm_totp_enrolment`` has seen a code from it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=_("验证器应用"), confirmed=False)


def confirm_totp_enrolment(*, request: HttpRequest, user: User, code: str) -> Any:
    """Confirm the pending device with a code from it; the session counts as verified by it."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        code = (code or "").strip()
        if device is None or not (code.isdigit() and len(code) == device.digits) or not device.verify_token(code):
            raise InvalidInput(CoreErrorCode.OTP_INVALID, _("动态口令不正确：请输入验证器应用当前显示的 6 位数字。"), {"field": "code"})
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_audit(actor=user, event_type="otp_device_enrolled", subject_type="user", subject_id=user.pk,
                     details={"device": device.persistent_id})
        record_login_event(request=request, user=user, username=user.get_username(), success=True,
                           method=LoginMethod.OTP, reason="enrolled")
    otp_login(request, device)
    return device


def verify_session_otp(*, request: HttpRequest, user: User, code: str) -> Any:
    """The second step of a staff sign-in: a code from an enrolled device marks the session verified;
    a wrong code counts towards the lockout like a wrong password."""
    from django_otp import login as otp_login

    from yiwang.core.lockout import is_locked_out, lockout_message

    if is_locked_out(request, user.get_username()):
        raise DomainError(CoreErrorCode.LOCKED_OUT, lockout_message(), status=429)
    device = _verify_otp(user, code)
    if device is None:
        request.yiwang_login_method = LoginMethod.OTP  # type: ignore[attr-defined]  # an attribute of our own, set on the request for later middleware
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
        raise InvalidInput(CoreErrorCode.OTP_INVALID, _("动态口令错误或已过期，请查看验证器应用中的最新口令。"), {"field": "code"})
    record_login_event(request=request, user=user, username=user.get_username(), success=True, method=LoginMethod.OTP)
    otp_login(request, device)
    return device


def reset_otp_devices(*, actor: User, user: User) -> int:
    """An administrator removes a user's second-factor devices (a lost phone); the user enrols anew
    at their next sign-in."""
    from django_otp import devices_for_user

    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        record_audit(actor=actor, event_type="otp_devices_reset", subject_type="user", subject_id=user.pk,
                     details={"devices": len(devices)})
    return len(devices)


def unlock_login(*, actor: User, username: str) -> int:
    """An administrator lifts a lockout (every failed attempt recorded for the username)."""
    from axes.utils import reset

    with transaction.atomic():
        count = reset(username=username)
        target = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        record_audit(actor=actor, event_type="user_login_unlocked", subject_type="user",
                     subject_id=target.pk if target else username, details={"username": username, "attempts": count})
    return count


def set_calendar_day(*, actor: User | None, date: dt.date, is_working_day: bool, name: str = "") -> CalendarDay:
    """Declare a holiday or a make-up working day (调休)."""
    with transaction.atomic():
        day, _created = CalendarDay.objects.update_or_create(
            date=date, defaults={"is_working_day": is_working_day, "name": name}
        )
        record_audit(
            actor=actor,
            event_type="calendar_day_set",
            subject_type="calendar",
            subject_id=date.isoformat(),
            details={"is_working_day": is_working_day, "name": name},
        )
    invalidate_calendar_cache()
    return day


def set_calendar_year(*, actor: User | None, year: int, status: str, source: str = "") -> CalendarYear:
    """Declare a year's holidays entered (``confirmed``, or ``provisional`` until checked against the
    State Council's notice): deadlines may then run into it."""
    with transaction.atomic():
        row, _created = CalendarYear.objects.update_or_create(year=year, defaults={"status": status, "source": source})
        record_audit(actor=actor, event_type="calendar_year_set", subject_type="calendar", subject_id=str(year),
                     details={"status": status, "source": source})
    invalidate_calendar_cache()
    return row


def remove_calendar_day(*, actor: User | None, day: CalendarDay) -> None:
    """Withdraw a declared holiday or make-up working day: the date follows the weekday rule again."""
    with transaction.atomic():
        record_audit(actor=actor, event_type="calendar_day_removed", subject_type="calendar",
                     subject_id=day.date.isoformat(), details={"is_working_day": day.is_working_day, "name": day.name})
        day.delete()
    invalidate_calendar_cache()


def remove_calendar_year(*, actor: User | None, year: CalendarYear) -> None:
    """Withdraw a year's declaration: deadlines can no longer run into it."""
    with transaction.atomic():
        record_audit(actor=actor, event_type="calendar_year_removed", subject_type="calendar",
                     subject_id=str(year.year), details={"status": year.status, "source": year.source})
        year.delete()
    invalidate_calendar_cache()


# ------------------------------------------------------------------ administrators' changes (the admin)
#
# The Django admin validates its forms and hands the populated object here: each write is saved with
# its audit record in one transaction, as every other write of the platform.


def save_department(*, actor: User | None, department: Department, fields: list[str],
                    created: bool) -> Department:
    with transaction.atomic():
        department.save()
        record_audit(actor=actor, event_type="department_created" if created else "department_changed",
                     subject_type="department", subject_id=department.code, details={"fields": fields})
    return department


def save_applicant_record(*, actor: User | None, applicant: Applicant, fields: list[str],
                          created: bool) -> Applicant:
    """An administrator's correction of an applicant's record (the form has normalised the ID number)."""
    with transaction.atomic():
        applicant.save()
        record_audit(actor=actor, event_type="applicant_registered" if created else "applicant_changed",
                     subject_type="applicant", subject_id=applicant.pk, details={"fields": fields, "source": "admin"})
    return applicant


def save_user_account(*, actor: User | None, user: Any, fields: list[str], created: bool) -> Any:
    """An account created or changed by an administrator. ``fields`` names what changed; a new password
    is recorded as ``password``, never its value."""
    changed = [f for f in fields if f not in ("password", "password1", "password2")]
    if {"password", "password1"} & set(fields):
        changed.append("password")
    with transaction.atomic():
        user.save()
        record_audit(actor=actor, event_type="user_created" if created else "user_changed", subject_type="user",
                     subject_id=user.pk, details={"username": user.get_username(), "fields": changed, "source": "admin"})
    return user


def delete_user_account(*, actor: User | None, user: Any) -> None:
    with transaction.atomic():
        record_audit(actor=actor, event_type="user_deleted", subject_type="user", subject_id=user.pk,
                     details={"username": user.get_username(), "source": "admin"})
        user.delete()


def _audit_staff_role(actor: User | None, role: StaffRole, event_type: str) -> None:
    record_audit(actor=actor, event_type=event_type, subject_type="user", subject_id=role.user_id,
                 details={"department": role.department.code, "role": role.role, "source": "admin"})


def save_staff_role(*, actor: User | None, role: StaffRole) -> StaffRole:
    """Grant a staff role (a department and a role: what the workbench shows), or change one."""
    created = role.pk is None
    with transaction.atomic():
        role.save()
        _audit_staff_role(actor, role, "staff_role_granted" if created else "staff_role_changed")
    return role


def revoke_staff_role(*, actor: User | None, role: StaffRole) -> None:
    with transaction.atomic():
        _audit_staff_role(actor, role, "staff_role_revoked")
        role.delete()


def load_statutory_calendar(*, actor: User | None = None, years: list[int] | None = None) -> dict[str, int]:
    """Write the published national calendar (``yiwang.core.holidays_cn``) into the database:
    idempotent, audited, and never downgrading a year an operator has confirmed in the admin
    (their corrections of a provisional year stay)."""
    from yiwang.core.holidays_cn import STATUTORY_CALENDAR, exceptions_of

    counts = {"days_set": 0, "years_set": 0, "years_kept": 0}
    for year in sorted(years or STATUTORY_CALENDAR):
        data = STATUTORY_CALENDAR[year]
        existing_year = CalendarYear.objects.filter(year=year).first()
        if existing_year and existing_year.status == CalendarYearStatus.CONFIRMED and data["status"] != "confirmed":
            counts["years_kept"] += 1
            continue
        days = exceptions_of(year)
        stored = {d.date: (d.is_working_day, d.name) for d in CalendarDay.objects.filter(date__year=year)}
        for date, (working, name) in sorted(days.items()):
            if stored.get(date) != (working, name):
                set_calendar_day(actor=actor, date=date, is_working_day=working, name=name)
                counts["days_set"] += 1
        if existing_year is None or (existing_year.status, existing_year.source) != (data["status"], data["source"]):
            set_calendar_year(actor=actor, year=year, status=data["status"], source=data["source"])
            counts["years_set"] += 1
    return counts


def set_care_mode(*, actor: User, enabled: bool) -> UserPreferences:
    """Switch 关怀版 (the elderly-friendly display) on or off for the signed-in person; it follows
    them to every computer they sign in on (docs/accessibility.md)."""
    if not actor.is_authenticated:
        raise Forbidden(CoreErrorCode.NOT_AUTHENTICATED, _("请先登录，再保存显示偏好。"))
    with transaction.atomic():
        prefs, _created = UserPreferences.objects.select_for_update().get_or_create(user=actor)
        if prefs.care_mode != enabled or _created:
            prefs.care_mode = enabled
            prefs.save(update_fields=["care_mode", "updated_at"])
            record_audit(actor=actor, event_type="care_mode_changed", subject_type="user", subject_id=actor.pk,
                         details={"care_mode": enabled})
    return prefs
