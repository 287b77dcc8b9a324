"""Keys, values and their checks: lookup keys, blind indexes, sealing personal values (SM4), masking,
and the per-field validation that ingestion applies (field standards)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import mul
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.core.errors import InvalidInput
from yiwang.core.ids import (
    _CITIZEN_CHECK,
    _CITIZEN_RE,
    _CITIZEN_WEIGHTS,
    _USCC_RE,
    _USCC_WEIGHTS,
    USCC_CHARSET,
    citizen_id_problem,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id,
    uscc_problem,
)
from yiwang.crypto.fields import BlindIndexer, FieldSealer, blind_index, decrypt_field, encrypt_field
from yiwang.exchange.errors import ExchangeErrorCode
from yiwang.exchange.models import FieldStandard, FieldType, KeyKind, MaskRule, ResourceField, key_context

PROBLEM_LABELS = {
    "missing": gettext_lazy("缺少查询标识"),
    "format": gettext_lazy("格式错误（应为 18 位）"),
    "birth_date": gettext_lazy("出生日期错误"),
    "check_digit": gettext_lazy("校验位错误"),
    "too_long": gettext_lazy("过长"),
}


def key_problem(kind: str, value: str) -> str | None:
    if not value:
        return "missing"
    if kind == KeyKind.CITIZEN_ID:
        return citizen_id_problem(value)
    if kind == KeyKind.USCC:
        return uscc_problem(value)
    return "too_long" if len(value) > 100 else None


def normalize_lookup_key(kind: str, raw: Any) -> str:
    """The normalised key, or ``invalid_lookup_key`` (422) naming the problem (e.g. the check digit)."""
    value = normalize_id(str(raw)) if raw is not None else ""
    problem = key_problem(kind, value)
    if problem:
        raise InvalidInput(
            ExchangeErrorCode.INVALID_LOOKUP_KEY,
            _("查询标识无效（%(kind)s：%(problem)s），请核对后重试。")
            % {"kind": KeyKind(kind).label, "problem": str(PROBLEM_LABELS.get(problem, problem))},
            {"key_kind": kind, "problem": problem},
        )
    return value


def key_index(kind: str, value: str) -> str:
    """The blind index (HMAC-SM3) of a normalised key; the same for a person in every resource."""
    return blind_index(value, context=key_context(kind))


def key_indexes(raw: Any) -> dict[str, str]:
    """The blind index of a lookup key under every key kind it is valid as (a citizen ID is also
    a valid "other" key), so that the row can be read before the resource's kind is known."""
    value = normalize_id(str(raw)) if raw is not None else ""
    return {kind: key_index(kind, value) for kind in KeyKind.values if key_problem(kind, value) is None}


def key_indexer(kind: str) -> BlindIndexer:
    """``key_index`` for many keys of one kind (ingestion): the blind-index key is read once and the
    keyed HMAC state built once, instead of once per row (``crypto.fields.BlindIndexer``)."""
    return BlindIndexer(context=key_context(kind))


def mask_key(kind: str, value: str) -> str:
    return mask_id_number(value) if kind in (KeyKind.CITIZEN_ID, KeyKind.USCC) else (value[:2] + "***" if value else "")


def apply_mask(rule: str, value: Any) -> Any:
    if value in (None, "") or not rule:
        return value
    text = str(value)
    if rule == MaskRule.ID_NUMBER:
        return mask_id_number(text)
    if rule == MaskRule.NAME:
        return mask_name(text)
    if rule == MaskRule.PHONE:
        return mask_phone(text)
    if rule == MaskRule.ADDRESS:
        return mask_address(text)
    return "******"


def seal(values: dict[str, Any], *, context: str) -> str:
    """Personal values of one row → one SM4-GCM token (empty when there are none)."""
    if not values:
        return ""
    return encrypt_field(json.dumps(values, ensure_ascii=False, separators=(",", ":")), context=context)


def unseal(token: str, *, context: str) -> dict[str, Any]:
    return json.loads(decrypt_field(token, context=context)) if token else {}


# --------------------------------------------------------------------------- field validation

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_TRUE = {"1", "true", "yes", "y", "是", "t"}
_FALSE = {"0", "false", "no", "n", "否", "f"}

REASONS = {
    "required": "必填项为空",
    "citizen_id_format": "公民身份号码格式错误",
    "citizen_id_birth_date": "公民身份号码出生日期错误",
    "citizen_id_check_digit": "公民身份号码校验位错误",
    "citizen_id_number": "公民身份号码被表格软件转成了数字（如 3.30102E+17），末几位已丢失：请把该列设置为“文本”格式后重新导出",
    "uscc_number": "统一社会信用代码被表格软件转成了数字（如 9.13E+17）：请把该列设置为“文本”格式后重新导出",
    "uscc_format": "统一社会信用代码格式错误",
    "uscc_check_digit": "统一社会信用代码校验位错误",
    "date": "日期无效（应为 YYYY-MM-DD）",
    "enum": "不在取值范围内",
    "integer": "不是整数",
    "decimal": "不是数值",
    "boolean": "不是是/否",
    "too_long": "超过最大长度",
    "mobile": "手机号码格式错误",
    "gender": "性别代码无效",
    "duplicate_key": "标识重复（与前面的行相同）",
    "encoding": "编码错误（不是 UTF-8）",
    "columns": "列数与表头不符",
    "not_an_object": "不是 JSON 对象",
}

GENDER_VALUES = {"1": "男", "2": "女", "男": "男", "女": "女", "0": "未知", "9": "未说明"}


def _parse_date(value: Any) -> str | None:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class FieldCheck:
    """A compiled ``ResourceField`` for fast row checks."""

    name: str
    label: str
    field_type: str
    standard: str
    allowed: frozenset[str]
    max_length: int | None
    required: bool
    personal: bool

    def clean(self, raw: Any) -> tuple[Any, str | None]:
        """``(value, None)`` when valid (value normalised), ``(raw, reason code)`` when not."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, ("required" if self.required else None)
        standard = self.standard
        if standard == FieldStandard.CITIZEN_ID:
            value = normalize_id(str(raw))
            problem = citizen_id_problem(value)
            return (value, None) if problem is None else (raw, "citizen_id_" + ("number" if spreadsheet_number(raw) else problem))
        if standard == FieldStandard.USCC:
            value = normalize_id(str(raw))
            problem = uscc_problem(value)
            return (value, None) if problem is None else (raw, "uscc_" + ("number" if spreadsheet_number(raw) else problem))
        kind = self.field_type
        if kind == FieldType.DATE or standard == FieldStandard.DATE:
            day = _parse_date(raw)
            return (day, None) if day else (raw, "date")
        if standard == FieldStandard.GENDER:
            gender = GENDER_VALUES.get(str(raw).strip())
            return (gender, None) if gender else (raw, "gender")
        if standard == FieldStandard.PHONE:
            value = str(raw).strip()
            return (value, None) if _MOBILE_RE.match(value) else (raw, "mobile")
        if kind == FieldType.ENUM:
            value = str(raw).strip()
            return (value, None) if value in self.allowed else (raw, "enum")
        if kind == FieldType.INTEGER:
            try:
                if isinstance(raw, float) and not raw.is_integer():
                    raise ValueError
                return int(raw if not isinstance(raw, str) else raw.strip()), None
            except (TypeError, ValueError):
                return raw, "integer"
        if kind == FieldType.DECIMAL:
            try:
                number = Decimal(str(raw).strip())
                if not number.is_finite():
                    raise InvalidOperation
                return str(number), None
            except InvalidOperation:
                return raw, "decimal"
        if kind == FieldType.BOOLEAN:
            if isinstance(raw, bool):
                return raw, None
            text = str(raw).strip().lower()
            return (True, None) if text in _TRUE else (False, None) if text in _FALSE else (raw, "boolean")
        value = raw.strip() if isinstance(raw, str) else str(raw)
        if self.max_length and len(value) > self.max_length:
            return raw, "too_long"
        return value, None


_SPREADSHEET_NUMBER = re.compile(r"^\s*[0-9]+(\.[0-9]*)?([eE][+]?[0-9]+)?\s*$")


def spreadsheet_number(raw: Any) -> bool:
    """Whether an identifier that failed its check looks like a spreadsheet turned it into a
    number: a numeric cell, scientific notation (``3.30102E+17``) or a trailing ``.0``. Only asked
    of values already refused, so it costs nothing on valid rows."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int | float):
        return True
    text = str(raw)
    return bool(_SPREADSHEET_NUMBER.match(text)) and ("e" in text.lower() or text.strip().endswith(".0"))


def compile_checks(fields: Iterable[ResourceField]) -> list[FieldCheck]:
    return [
        FieldCheck(
            name=f.name, label=f.label, field_type=f.field_type, standard=f.standard,
            allowed=frozenset(str(v) for v in f.allowed_values or []), max_length=f.max_length,
            required=f.required, personal=f.is_personal,
        )
        for f in fields
    ]


# --------------------------------------------------------------------------- the ingestion hot path
#
# ``FieldCheck.clean`` is the reference. The cleaners below give the same verdicts and values (tested
# value by value against it) at a fraction of its cost: ASCII identifiers skip NFKC (which leaves
# ASCII unchanged), check digits are summed over bytes, birth-date verdicts and the results of
# pure checks of short values (dates, enumerations, numbers) are remembered per file, up to
# ``_MEMO_LIMIT`` distinct values each, so memory stays bounded.

_MEMO_LIMIT = 50_000
_MISSING = object()
_CITIZEN_BIAS = 48 * sum(_CITIZEN_WEIGHTS)  # the weighted sum of seventeen "0" bytes
_USCC_VALUE = {c: n for n, c in enumerate(USCC_CHARSET)}


def citizen_id_checker() -> Callable[[str], str | None]:
    """``citizen_id_problem`` for a normalised value, birth-date verdicts remembered (one checker per file)."""
    match = _CITIZEN_RE.match
    dates: dict[str, Any] = {}  # birth date -> "birth_date" or None (valid); _MISSING when not yet seen

    def problem(value: str) -> str | None:
        if not match(value) or len(value) != 18:
            return citizen_id_problem(value)  # "format" (or a value the regex alone misjudges)
        verdict = dates.get(value[6:14], _MISSING)
        if verdict is _MISSING:
            verdict = "birth_date" if citizen_id_problem(value) == "birth_date" else None
            if len(dates) < _MEMO_LIMIT:
                dates[value[6:14]] = verdict
        if verdict is not None:
            return verdict
        total = sum(map(mul, value[:17].encode("ascii"), _CITIZEN_WEIGHTS)) - _CITIZEN_BIAS
        return None if _CITIZEN_CHECK[total % 11] == value[17] else "check_digit"

    return problem


def uscc_checker() -> Callable[[str], str | None]:
    """``uscc_problem`` for a normalised value."""
    match, value_of = _USCC_RE.match, _USCC_VALUE.__getitem__

    def problem(value: str) -> str | None:
        if not match(value) or len(value) != 18:
            return uscc_problem(value)
        total = sum(map(mul, map(value_of, value[:17]), _USCC_WEIGHTS))
        return None if USCC_CHARSET[(31 - total % 31) % 31] == value[17] else "check_digit"

    return problem


def _branch(check: FieldCheck) -> str:
    """Which branch of ``FieldCheck.clean`` a non-empty value of ``check`` takes."""
    if check.standard == FieldStandard.CITIZEN_ID:
        return "citizen_id"
    if check.standard == FieldStandard.USCC:
        return "uscc"
    if check.field_type in (FieldType.DATE,) or check.standard == FieldStandard.DATE:
        return "memo"
    if check.standard in (FieldStandard.GENDER, FieldStandard.PHONE):
        return "memo"
    if check.field_type in (FieldType.ENUM, FieldType.INTEGER, FieldType.DECIMAL, FieldType.BOOLEAN):
        return "memo"
    return "text"


def fast_cleaner(check: FieldCheck) -> Callable[[Any], tuple[Any, str | None]]:
    """A function giving what ``check.clean`` gives, faster for the values files usually hold."""
    slow = check.clean
    required = "required" if check.required else None
    branch = _branch(check)
    if branch in ("citizen_id", "uscc"):
        problem_of = citizen_id_checker() if branch == "citizen_id" else uscc_checker()
        prefix = branch + "_"

        def clean_id(raw: Any) -> tuple[Any, str | None]:
            if raw.__class__ is str and raw.isascii():  # NFKC leaves ASCII as it is
                value = raw.strip().replace(" ", "").upper()
                if not value:
                    return None, required
                problem = problem_of(value)
                if problem is None:
                    return value, None
                return raw, prefix + ("number" if spreadsheet_number(raw) else problem)
            return slow(raw)

        return clean_id
    if branch == "memo":  # a pure function of the text: remember its results
        memo: dict[str, tuple[Any, str | None]] = {}

        def clean_memo(raw: Any) -> tuple[Any, str | None]:
            if raw.__class__ is str:
                result = memo.get(raw)
                if result is None:
                    result = slow(raw)
                    if len(memo) < _MEMO_LIMIT:
                        memo[raw] = result
                return result
            return slow(raw)

        return clean_memo
    max_length = check.max_length

    def clean_text(raw: Any) -> tuple[Any, str | None]:
        if raw.__class__ is str:
            value = raw.strip()
            if not value:
                return None, required
            if max_length and len(value) > max_length:
                return raw, "too_long"
            return value, None
        return slow(raw)

    return clean_text


def _compact_json_encoder() -> Callable[[dict[str, Any]], str]:
    """``json.dumps(values, ensure_ascii=False, separators=(",", ":"))`` for a row's flat dict of
    values (= ``seal()``'s and ingestion's), with CPython's C encoder built once instead of per call.

    ``json.encoder.c_make_encoder`` is not a public API. It is kept because it measured worth it
    (docs/benchmarks.md, "Ingestion": 7.2 against 9.5 µs a row for the public encoder, about a tenth
    of ingestion's CPU per million rows), and made safe: if it is missing, its signature changes or
    its output differs from the public encoder's on a sample row, the public encoder is used."""
    public = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    try:
        from json.encoder import (  # type: ignore[attr-defined]  # private CPython accelerator, checked at run time
            c_make_encoder,
            encode_basestring,
        )
    except ImportError:  # pragma: no cover - other Pythons
        return public
    if c_make_encoder is None:  # pragma: no cover - other Pythons
        return public

    def unserialisable(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    try:
        encode = c_make_encoder(None, unserialisable, encode_basestring, None, ":", ",", False, False, True)
    except TypeError:  # pragma: no cover - a Python whose private signature changed
        return public

    def dumps(values: dict[str, Any]) -> str:
        return "".join(encode(values, 0)) if values else "{}"

    sample = {"名称": "张三\n\"引号\"\u2028", "n": 1, "x": 1.5, "b": True, "none": None, "list": ["a", 2]}
    try:
        if dumps(sample) != public(sample) or dumps({}) != public({}):
            return public  # pragma: no cover
    except Exception:  # noqa: BLE001  pragma: no cover - any surprise from a private API means: don't use it
        return public
    return dumps


_dumps = _compact_json_encoder()


def copy_line(index: str, public_json: str, sealed: str) -> str:
    """One row's ``key_index, values, sealed`` as PostgreSQL COPY text (tab-separated, newline-ended).
    Key indexes are hex and tokens base64url, so only the JSON can hold a character COPY escapes;
    JSON escapes control characters itself, which leaves backslashes."""
    if "\\" in public_json:
        public_json = public_json.replace("\\", "\\\\")
    return f"{index}\t{public_json}\t{sealed}\n"


class RowProcessor:
    """What ingestion does to each record of a file: check every field, then index the key and seal
    the personal values. ``process(record)`` gives ``(COPY line, clean values)`` for a valid record
    (``copy_line``: key index, public values as JSON, sealed token) and the list of its
    ``(field, reason)`` problems otherwise; ``filled`` counts the valid non-empty values of each field.

    It pickles (for worker processes) with its indexer and sealer, so with their keys.
    """

    def __init__(self, checks: list[FieldCheck], key_field: str, indexer: BlindIndexer, sealer: FieldSealer):
        self.checks, self.key_field, self.indexer, self.sealer = checks, key_field, indexer, sealer
        self.filled = dict.fromkeys((c.name for c in checks), 0)
        self._compile()

    def _compile(self) -> None:
        self._fields = {c.name: (fast_cleaner(c), c.personal) for c in self.checks}
        self._required = [c.name for c in self.checks if c.required]

    def __getstate__(self) -> dict[str, Any]:
        return {"checks": self.checks, "key_field": self.key_field, "indexer": self.indexer, "sealer": self.sealer}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.filled = dict.fromkeys((c.name for c in self.checks), 0)
        self._compile()

    def process(self, record: dict[str, Any]) -> tuple[str, dict[str, Any]] | list[tuple[str, str]]:
        fields, filled = self._fields, self.filled
        public: dict[str, Any] = {}
        private: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for name, raw in record.items():
            entry = fields.get(name)
            if entry is None:
                continue
            value, problem = entry[0](raw)
            if problem:
                problems.append((name, problem))
            elif value is not None:
                if entry[1]:
                    private[name] = value
                else:
                    public[name] = value
                filled[name] += 1
        for name in self._required:
            if name not in record:
                problems.append((name, "required"))
        if problems:
            return problems
        key = private.get(self.key_field, _MISSING)
        if key is _MISSING:
            key = public.get(self.key_field)
        return (copy_line(self.indexer(str(key)), _dumps(public), self.sealer(_dumps(private)) if private else ""),
                {**public, **private})

