"""Material pre-review (材料预审): fields from OCR lines, and cross-checks against what is expected.

Pure functions, no database and no OCR engine: they take ``TextLine``s (see ``ocr.py``) and plain
expected values, so that they are tested on synthetic line lists and reused by the benchmark.

* ``profile_for(material_name)`` picks the declared fields of a material type (身份证, 营业执照,
  许可证, 户口簿, 申请表) from the material's name in the catalogue;
* ``extract_fields(lines, profile)`` finds each field by its printed label (same line, the box to
  the right, or the box below) and, for ID numbers and credit codes, by their pattern anywhere;
* ``check_fields(...)`` and ``check_pages(...)`` turn what was found into ``Finding``s: mismatch,
  invalid check digit (GB 11643 / GB 32100), expired, unreadable, not found.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.core.ids import citizen_id_problem, uscc_problem
from yiwang.intelligence.ocr import OcrDocument, TextLine

# Below this a line is not trusted as a field value (the engine keeps lines down to 0.3).
MIN_LINE_CONFIDENCE = 0.5
# A page whose lines average below this is reported unreadable.
UNREADABLE_MEAN_CONFIDENCE = 0.65


# ---------------------------------------------------------------------------------------------
# Fields and material profiles


class FieldKey:
    NAME = "name"
    CITIZEN_ID = "citizen_id"
    COMPANY_NAME = "company_name"
    USCC = "uscc"
    LEGAL_REP = "legal_rep"
    VALID_UNTIL = "valid_until"
    LICENCE_NUMBER = "licence_number"


FIELD_LABELS_ZH = {
    FieldKey.NAME: "姓名",
    FieldKey.CITIZEN_ID: "公民身份号码",
    FieldKey.COMPANY_NAME: "名称",
    FieldKey.USCC: "统一社会信用代码",
    FieldKey.LEGAL_REP: "法定代表人",
    FieldKey.VALID_UNTIL: "有效期",
    FieldKey.LICENCE_NUMBER: "证照编号",
}

# The same labels in the reader's language (FIELD_LABELS_ZH stays the key the OCR reads by).
FIELD_LABELS = {
    FieldKey.NAME: gettext_lazy("姓名"),
    FieldKey.CITIZEN_ID: gettext_lazy("公民身份号码"),
    FieldKey.COMPANY_NAME: gettext_lazy("名称"),
    FieldKey.USCC: gettext_lazy("统一社会信用代码"),
    FieldKey.LEGAL_REP: gettext_lazy("法定代表人"),
    FieldKey.VALID_UNTIL: gettext_lazy("有效期"),
    FieldKey.LICENCE_NUMBER: gettext_lazy("证照编号"),
}

LONG_TERM = "长期"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    labels: tuple[str, ...]  # printed labels, most specific first
    pattern_fallback: bool = False  # also search the whole page by the value's pattern


@dataclass(frozen=True)
class MaterialProfile:
    key: str
    title: str
    keywords: tuple[str, ...]  # any of these in the catalogue material's name selects the profile
    fields: tuple[FieldSpec, ...]
    person_document: bool = False  # identifies a natural person (whose: see the cases side)

    def field_keys(self) -> list[str]:
        return [f.key for f in self.fields]


_NAME = FieldSpec(FieldKey.NAME, ("姓名",))
_CITIZEN_ID = FieldSpec(FieldKey.CITIZEN_ID, ("公民身份号码", "公民身份证件编号", "身份证件编号", "身份证号码",
                                              "身份证号", "证件号码"), pattern_fallback=True)
_USCC = FieldSpec(FieldKey.USCC, ("统一社会信用代码", "社会信用代码", "信用代码"), pattern_fallback=True)

PROFILES: tuple[MaterialProfile, ...] = (
    MaterialProfile(
        key="business_licence", title="营业执照", keywords=("营业执照",),
        fields=(
            FieldSpec(FieldKey.COMPANY_NAME, ("名称",)),
            _USCC,
            FieldSpec(FieldKey.LEGAL_REP, ("法定代表人", "经营者", "负责人", "执行事务合伙人", "投资人")),
            FieldSpec(FieldKey.VALID_UNTIL, ("营业期限", "经营期限", "合伙期限"), pattern_fallback=True),
        ),
    ),
    MaterialProfile(
        key="permit", title="许可证", keywords=("许可证",),
        fields=(
            FieldSpec(FieldKey.COMPANY_NAME, ("经营者名称", "单位名称", "企业名称", "名称")),
            _USCC,
            FieldSpec(FieldKey.LICENCE_NUMBER, ("许可证编号", "证书编号", "编号")),
            FieldSpec(FieldKey.VALID_UNTIL, ("有效期至", "有效期限", "有效期")),
        ),
    ),
    MaterialProfile(
        key="household_register", title="居民户口簿", keywords=("户口簿", "户口本"),
        fields=(_NAME, _CITIZEN_ID), person_document=True,
    ),
    MaterialProfile(
        key="id_card", title="居民身份证", keywords=("身份证",),
        fields=(_NAME, _CITIZEN_ID, FieldSpec(FieldKey.VALID_UNTIL, ("有效期限", "有效期"), pattern_fallback=True)),
        person_document=True,
    ),
    MaterialProfile(
        key="application_form", title="申请表", keywords=("申请表", "申请书", "登记表"),
        fields=(
            FieldSpec(FieldKey.NAME, ("申请人姓名", "姓名")),
            _CITIZEN_ID,
            FieldSpec(FieldKey.COMPANY_NAME, ("单位名称", "企业名称", "个体工商户名称", "经营单位名称")),
            _USCC,
        ),
    ),
)


def profile_for(material_name: str) -> MaterialProfile | None:
    """The profile declared for a catalogue material, by keywords in its name; None when the
    material type declares no fields (photos, plans …)."""
    name = material_name or ""
    for profile in PROFILES:
        if any(k in name for k in profile.keywords):
            return profile
    return None


def get_profile(key: str) -> MaterialProfile:
    for profile in PROFILES:
        if profile.key == key:
            return profile
    raise KeyError(key)


# ---------------------------------------------------------------------------------------------
# Normalising OCR text and reading values

_SPACES = re.compile(r"\s+")
_CJK = "\u4e00-\u9fff"
_NAME_RE = re.compile(rf"^[{_CJK}][{_CJK}·]{{1,14}}$")
_ORG_RE = re.compile(rf"^[{_CJK}A-Za-z0-9()·&\-]{{4,60}}$")
_CITIZEN_RE = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
_LICENCE_RE = re.compile(r"^[A-Z]{1,3}\d{8,20}$|^[A-Z0-9]{2,}\d{6,}[A-Z0-9]*$")
_DATE = r"((?:19|20)\d{2})\s*[年.\-/,]\s*(\d{1,2})\s*[月.\-/,]\s*(\d{1,2})\s*日?"
_DATE_RE = re.compile(_DATE)
_PLAIN_DATE = _DATE.replace("(", "(?:").replace("(?:?:", "(?:")  # the same, without groups
_RANGE_RE = re.compile(rf"{_PLAIN_DATE}\s*[-~至到]\s*(?:{_PLAIN_DATE}|长期)")
_LONG_TERM_RE = re.compile(r"长期|永久|不约定期限")
_SEPARATORS = ":：;；,，、 "


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), spaces removed, brackets unified."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACES.sub("", text).replace("【", "(").replace("】", ")")


# Characters OCR confuses with digits, fixed only inside digit-heavy candidates.
_DIGIT_FIXES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1",
                              "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "b": "6", "G": "6", "g": "9",
                              "x": "X", "×": "X"})
# GB 32100 excludes I, O, Z, S, V: read those as the digits they resemble.
_USCC_FIXES = str.maketrans({"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U", "o": "0", "l": "1", "|": "1"})


def _id_candidates(text: str) -> list[str]:
    """18-character citizen ID numbers in ``text``, with common OCR confusions undone."""
    t = normalize(text)
    found = list(_CITIZEN_RE.findall(t.upper()))
    if found:
        return found
    # Repair runs that are almost all digits (e.g. "11010I19900307851S").
    out = []
    for run in re.findall(r"[0-9OoDQIl|iZzSsBbGgxX×]{18}", t):
        fixed = run.translate(_DIGIT_FIXES)
        digits = sum(c.isdigit() for c in run)
        if digits >= 15 and _CITIZEN_RE.fullmatch(fixed):
            out.append(fixed)
    return out


def _uscc_candidates(text: str) -> list[str]:
    t = normalize(text).upper().translate(_USCC_FIXES)
    return _USCC_RE.findall(t)


def _validity_candidates(text: str) -> list[str]:
    """Ends of date ranges (``2016.03.07-2036.03.07``, ``…至长期``) in ``text``: a range is what a
    validity period looks like even when its label was misread."""
    t = normalize(text)
    out = []
    for m in _RANGE_RE.finditer(t):
        end = parse_validity_end(m.group(0))
        if end:
            out.append(end)
    return out


def parse_validity_end(text: str) -> str | None:
    """The end of a validity period as ISO date, ``长期``, or None: ``2016.03.07-2036.03.07`` →
    ``2036-03-07``; ``2015年06月01日至长期`` → ``长期``; ``有效期至2027年12月31日`` → ``2027-12-31``."""
    t = normalize(text)
    dates = []
    for m in _DATE_RE.finditer(t):
        try:
            dates.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
    if _LONG_TERM_RE.search(t):
        return LONG_TERM
    if not dates:
        return None
    if len(dates) == 1:
        # A lone date is an end only when it says so ("至 …", "有效期至 …"), or stands alone.
        lone = _DATE_RE.search(t)
        assert lone is not None
        before, after = t[: lone.start()], t[lone.end():]
        if before.endswith(("至", "-", "~", "到")) or not re.search(r"[-~至到]", before + after):
            return dates[0].isoformat()
        return None
    return max(dates).isoformat()


def _clean_name(value: str) -> str | None:
    v = normalize(value).strip(_SEPARATORS).replace("•", "·").replace(".", "·")
    return v if _NAME_RE.match(v) else None


# Legal forms that end company names (a closed list): one character misread in them is undone.
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司")


def _fix_legal_form(name: str) -> str:
    for form in _LEGAL_FORMS:
        if name.endswith(form):
            return name
    for form in _LEGAL_FORMS:
        tail = name[-len(form):]
        if len(name) > len(form) + 1 and sum(a != b for a, b in zip(tail, form, strict=True)) == 1 \
                and tail[-2:] == "公司":
            return name[: -len(form)] + form
    return name


def _clean_org(value: str) -> str | None:
    v = normalize(value).strip(_SEPARATORS)
    return _fix_legal_form(v) if _ORG_RE.match(v) and re.search(f"[{_CJK}]", v) else None


def _clean_licence(value: str) -> str | None:
    v = normalize(value).strip(_SEPARATORS).upper()
    return v if _LICENCE_RE.match(v) else None


def _first(cands: list[str]) -> str | None:
    return cands[0] if cands else None


VALUE_READERS: dict[str, Callable[[str], str | None]] = {
    FieldKey.NAME: _clean_name,
    FieldKey.LEGAL_REP: _clean_name,
    FieldKey.COMPANY_NAME: _clean_org,
    FieldKey.CITIZEN_ID: lambda t: _first(_id_candidates(t)),
    FieldKey.USCC: lambda t: _first(_uscc_candidates(t)),
    FieldKey.VALID_UNTIL: parse_validity_end,
    FieldKey.LICENCE_NUMBER: _clean_licence,
}

# Every label any profile prints: text that starts with one is not a value of another field.
_ALL_LABELS = sorted({label for p in PROFILES for f in p.fields for label in f.labels} | {
    "性别", "民族", "出生", "住址", "住所", "类型", "经营范围", "注册资本", "成立日期", "签发机关", "登记机关",
    "经营场所", "主体业态", "经营项目", "日常监督管理机构", "签发人", "联系电话", "户别", "户主姓名", "与户主关系",
    "曾用名", "出生地", "籍贯", "发证机关", "发证日期", "组成形式", "注册日期", "申请日期", "地址", "证件类型",
}, key=len, reverse=True)


def _starts_with_label(text: str) -> str | None:
    for label in _ALL_LABELS:
        if text.startswith(label):
            return label
    return None


# ---------------------------------------------------------------------------------------------
# Extraction


@dataclass(frozen=True)
class Extracted:
    key: str
    value: str
    confidence: float
    source: str  # the OCR text it was read from
    page: int = 0


def _v_overlap(a: TextLine, b: TextLine) -> float:
    top, bottom = max(a.top, b.top), min(a.bottom, b.bottom)
    lo = min(a.height, b.height) or 1.0
    return max(0.0, bottom - top) / lo


def deskew(lines: Sequence[TextLine]) -> list[TextLine]:
    """The lines with their boxes rotated so that the page's text runs level: a page photographed
    or scanned a few degrees askew otherwise puts a value beside its label on another "row".
    The skew is the median slope of the top edges of wide boxes."""
    slopes = []
    for ln in lines:
        if len(ln.box) == 4:
            (x0, y0), (x1, y1) = ln.box[0], ln.box[1]
            if x1 - x0 > 2 * max(ln.height, 1.0):
                slopes.append(math.atan2(y1 - y0, x1 - x0))
    if not slopes:
        return list(lines)
    angle = statistics.median(slopes)
    if abs(angle) < 0.003:
        return list(lines)
    c, s = math.cos(angle), math.sin(angle)
    return [TextLine(ln.text, ln.confidence, tuple((x * c + y * s, -x * s + y * c) for x, y in ln.box))
            if ln.box else ln for ln in lines]


def merge_spaced_labels(lines: Sequence[TextLine]) -> list[TextLine]:
    """Join single characters that the engine read as separate boxes on one row when together they
    make a label: certificates print ``名　　称``, ``住　　所`` with wide gaps."""
    singles = [ln for ln in lines if ln.box and len(normalize(ln.text)) == 1]
    if len(singles) < 2:
        return list(lines)
    used: set[int] = set()
    merged: list[TextLine] = []
    for a in sorted(singles, key=lambda ln: ln.left):
        if id(a) in used:
            continue
        h = a.height or 1.0
        partners = [b for b in singles if b is not a and id(b) not in used and _v_overlap(a, b) >= 0.5
                    and 0 <= b.left - a.right <= h * 4]
        for b in sorted(partners, key=lambda ln: ln.left):
            text = normalize(a.text) + normalize(b.text)
            if text in _ALL_LABELS:
                box = ((a.left, min(a.top, b.top)), (b.right, min(a.top, b.top)),
                       (b.right, max(a.bottom, b.bottom)), (a.left, max(a.bottom, b.bottom)))
                merged.append(TextLine(text, min(a.confidence, b.confidence), box))
                used.update((id(a), id(b)))
                break
    if not merged:
        return list(lines)
    return [ln for ln in lines if id(ln) not in used] + merged


def _neighbours(label_line: TextLine, lines: Sequence[TextLine]) -> list[TextLine]:
    """Lines that could hold the value of ``label_line``: to its right on the same row (nearest
    first), then just below it."""
    if not label_line.box:
        return []
    h = label_line.height or 1.0
    right = [ln for ln in lines if ln is not label_line and ln.box and _v_overlap(label_line, ln) >= 0.5
             and ln.left >= label_line.right - h * 0.5]
    right.sort(key=lambda ln: ln.left)
    below = [ln for ln in lines if ln is not label_line and ln.box and ln not in right
             and 0 <= ln.top - label_line.bottom + h * 0.3 <= h * 1.6
             and ln.left < label_line.right + h * 8 and ln.right > label_line.left]
    below.sort(key=lambda ln: (ln.top, ln.left))
    return right[:3] + below[:2]


def _continuation(line: TextLine, lines: Sequence[TextLine]) -> TextLine | None:
    """The line that continues ``line`` on the next row (a value wrapped in its cell)."""
    if not line.box:
        return None
    h = line.height or 1.0
    below = [ln for ln in lines if ln is not line and ln.box and -h * 0.3 <= ln.top - line.bottom <= h * 0.9
             and line.left - h * 1.5 <= ln.left < line.right - h]
    return min(below, key=lambda ln: ln.top, default=None)


def _find_label(text: str, labels: Sequence[str]) -> tuple[str, str] | None:
    """(label, text after it) when ``text`` starts with one of ``labels``; a longer printed label
    that is not one of ours (``户主姓名`` when looking for ``姓名``) does not count. A label of four
    characters or more also matches with one character misread or dropped (``有效刷限``,
    ``有效限``), unless the text starts with another label."""
    own = _starts_with_label(text)
    if own is not None:
        return (own, text[len(own):]) if own in labels else None
    for label in labels:
        if len(label) < 4:
            continue
        head = text[: len(label)]
        if len(head) == len(label) and sum(a != b for a, b in zip(head, label, strict=True)) == 1:
            return label, text[len(label):]
        short = text[: len(label) - 1]
        if any(label[:k] + label[k + 1:] == short for k in range(1, len(label) - 1)):
            return label, text[len(label) - 1:]
    return None


def extract_fields(lines: Sequence[TextLine], profile: MaterialProfile, *, page: int = 0) -> dict[str, Extracted]:
    """Read the profile's fields from one page's lines; a field not found is absent."""
    usable = merge_spaced_labels(deskew([ln for ln in lines if ln.confidence >= MIN_LINE_CONFIDENCE]))
    texts = [normalize(ln.text) for ln in usable]
    out: dict[str, Extracted] = {}
    for spec in profile.fields:
        reader = VALUE_READERS[spec.key]
        found: Extracted | None = None
        for i, text in enumerate(texts):
            hit = _find_label(text, spec.labels)
            if not hit:
                continue
            _label, rest = hit
            rest = rest.lstrip(_SEPARATORS)
            # A label with its value in the same box ("姓名张三"); the value may run into the next
            # label when the engine merged two columns ("性别男民族汉").
            if rest:
                nxt = _starts_with_label(rest)
                candidate = rest
                for label in _ALL_LABELS:
                    pos = rest.find(label)
                    if pos > 0:
                        candidate = rest[:pos]
                        break
                value = reader(candidate) if not nxt else None
                if not value and not nxt and spec.key == FieldKey.VALID_UNTIL:
                    value, _more = _read_wrapped(reader, candidate, usable[i], usable)
                if value:
                    found = Extracted(spec.key, value, usable[i].confidence, usable[i].text, page)
                    break
            for ln in _neighbours(usable[i], usable):
                nt = normalize(ln.text)
                if _starts_with_label(nt):
                    continue
                value = reader(nt)
                source, conf = ln.text, ln.confidence
                if not value and spec.key == FieldKey.VALID_UNTIL:
                    value, more = _read_wrapped(reader, nt, ln, usable)
                    if more is not None:
                        source, conf = f"{ln.text}{more.text}", min(conf, more.confidence)
                if value:
                    found = Extracted(spec.key, value, conf, source, page)
                    break
            if found:
                break
        if found is None and spec.pattern_fallback:
            found = _by_pattern(spec.key, usable, page)
        if found is not None:
            out[spec.key] = found
    return out


def _read_wrapped(
    reader: Callable[[str], str | None], text: str, line: TextLine, lines: Sequence[TextLine]
) -> tuple[str | None, TextLine | None]:
    """Read ``text`` joined with the line that continues it (``…至2040年`` + ``10月18日``)."""
    more = _continuation(line, lines)
    if more is None or _starts_with_label(normalize(more.text)):
        return None, None
    value = reader(text + normalize(more.text))
    return (value, more) if value else (None, None)


def _by_pattern(key: str, lines: Sequence[TextLine], page: int) -> Extracted | None:
    """The one value on the page that has the field's pattern; None when there are several
    different ones (a form listing several people names no single holder)."""
    finder: Callable[[str], list[str]] = {
        FieldKey.CITIZEN_ID: _id_candidates,
        FieldKey.USCC: _uscc_candidates,
        FieldKey.VALID_UNTIL: _validity_candidates,
    }[key]
    hits: dict[str, TextLine] = {}
    for ln in lines:
        for value in finder(ln.text):
            hits.setdefault(value, ln)
    if key == FieldKey.USCC:
        # An 18-digit citizen ID also matches the USCC pattern; a USCC needs a letter or a 9/5/1 head.
        hits = {v: ln for v, ln in hits.items() if not _CITIZEN_RE.fullmatch(v)}
    if len(hits) != 1:
        return None
    value, ln = next(iter(hits.items()))
    return Extracted(key, value, ln.confidence, ln.text, page)


def extract_document(doc: OcrDocument, profile: MaterialProfile) -> dict[str, Extracted]:
    """Fields over all pages read: the first page that has a field wins (ID cards are often
    uploaded as front and back pages of one PDF)."""
    out: dict[str, Extracted] = {}
    for page in doc.pages:
        for key, value in extract_fields(page.lines, profile, page=page.index).items():
            out.setdefault(key, value)
    return out


# ---------------------------------------------------------------------------------------------
# Findings


class FindingKind:
    FIELD_MISMATCH = "field_mismatch"
    INVALID_CHECK_DIGIT = "invalid_check_digit"
    INVALID_NUMBER = "invalid_number"
    EXPIRED = "expired"
    FIELD_NOT_FOUND = "field_not_found"
    UNREADABLE = "unreadable"
    PAGES_TRUNCATED = "pages_truncated"
    OCR_FAILED = "ocr_failed"


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    field: str = ""
    expected: str = ""
    found: str = ""
    confidence: float | None = None
    page: int | None = None


@dataclass(frozen=True)
class Expected:
    """What the case says the material should show; empty means unknown (not checked)."""

    name: str = ""  # the natural person the document identifies
    citizen_id: str = ""
    company_name: str = ""
    uscc: str = ""
    legal_rep: str = ""
    licence_number: str = ""

    def get(self, key: str) -> str:
        return str(getattr(self, key, "") or "")


# Pairs OCR confuses in ID numbers and credit codes (all valid GB 32100 characters).
_CONFUSABLE = {frozenset(p) for p in ("0Q", "0D", "0U", "8B", "6G", "7T", "1T", "1L", "5S", "2Z", "X4", "XK", "4A", "3B",
                                        "FP", "EF", "CG")}


def misread_of(key: str, read: str, expected: str) -> bool:
    """True when ``read`` fails its check character but differs from a valid ``expected`` only in
    characters OCR confuses (``Q`` read as ``0``): then the document most likely shows ``expected``,
    and reporting a mismatch and a bad check digit would send the clerk after the engine's error."""
    if key not in (FieldKey.CITIZEN_ID, FieldKey.USCC) or len(read) != len(expected) or read == expected:
        return False
    problem = citizen_id_problem if key == FieldKey.CITIZEN_ID else uscc_problem
    if problem(read) is None or problem(expected) is not None:
        return False
    diffs = [(a, b) for a, b in zip(read, expected, strict=True) if a != b]
    return len(diffs) <= 2 and all(frozenset(d) in _CONFUSABLE for d in diffs)


def _same(key: str, a: str, b: str) -> bool:
    na, nb = normalize(a).upper(), normalize(b).upper()
    if key in (FieldKey.NAME, FieldKey.LEGAL_REP):
        na, nb = na.replace("·", ""), nb.replace("·", "")
    return na == nb


def _pct(conf: float | None) -> str:
    return f"{conf * 100:.0f}%" if conf is not None else "—"


def finding_text(
    kind: str,
    *,
    field: str = "",
    expected: str = "",
    found: str = "",
    confidence: float | None = None,
    page: int | None = None,
    pages_total: int = 0,
    pages_read: int = 0,
) -> str:
    """What a finding says, in the active language, from its kind and its facts. The one home of
    the wording: pre-review stores it (in the site's language) and the case page says it again in
    the reader's (English mode showed the stored Chinese)."""
    label = str(FIELD_LABELS.get(field, field))
    conf = _pct(confidence)
    if kind == FindingKind.FIELD_NOT_FOUND:
        return _("未能从材料中识别出「%(label)s」，请人工核对。") % {"label": label}
    if kind == FindingKind.INVALID_CHECK_DIGIT and field == FieldKey.USCC:
        return _("材料上的统一社会信用代码 %(found)s 校验码不正确（GB 32100），可能是填写错误或识别错误"
                 "（识别置信度 %(conf)s），请核对原件。") % {"found": found, "conf": conf}
    if kind == FindingKind.INVALID_CHECK_DIGIT:
        return _("材料上的公民身份号码 %(found)s 校验位不正确（GB 11643），可能是伪造、填写错误或识别错误"
                 "（识别置信度 %(conf)s），请核对原件。") % {"found": found, "conf": conf}
    if kind == FindingKind.INVALID_NUMBER:
        return _("材料上的公民身份号码 %(found)s 不是有效号码（出生日期不成立），请核对原件。") % {"found": found}
    if kind == FindingKind.EXPIRED:
        try:
            end = dt.date.fromisoformat(found)
        except ValueError:
            end_text = found
        else:
            end_text = _("%(y)d年%(m)02d月%(d)02d日") % {"y": end.year, "m": end.month, "d": end.day}
        return _("材料已过有效期：有效期至 %(end)s（识别置信度 %(conf)s）。") % {"end": end_text, "conf": conf}
    if kind == FindingKind.FIELD_MISMATCH:
        return _("「%(label)s」与申请信息不一致：申请为「%(expected)s」，材料上识别为「%(found)s」"
                 "（识别置信度 %(conf)s）。") % {"label": label, "expected": expected, "found": found, "conf": conf}
    if kind == FindingKind.UNREADABLE and not confidence:
        return _("第 %(n)s 页未识别到任何文字（空白页，或图片过暗、过于模糊），请人工查看。") % {
            "n": (page or 0) + 1}
    if kind == FindingKind.UNREADABLE:
        return _("第 %(n)s 页文字识别置信度低（平均 %(conf)s），可能模糊或不完整，请人工查看。") % {
            "n": (page or 0) + 1, "conf": conf}
    if kind == FindingKind.PAGES_TRUNCATED:
        return _("文件共 %(total)s 页，仅预审了前 %(read)s 页，其余页面请人工查看。") % {
            "total": pages_total, "read": pages_read}
    return _("材料预审未完成，请人工审核该材料。")


def check_fields(
    extracted: dict[str, Extracted],
    profile: MaterialProfile,
    expected: Expected,
    *,
    today: dt.date,
) -> list[Finding]:
    """Cross-check what was read against the case and the number rules."""
    findings: list[Finding] = []
    for spec in profile.fields:
        key = spec.key
        got = extracted.get(key)
        if got is None:
            findings.append(Finding(FindingKind.FIELD_NOT_FOUND, finding_text(FindingKind.FIELD_NOT_FOUND, field=key),
                                    field=key))
            continue
        conf = got.confidence
        if misread_of(key, got.value, expected.get(key)):
            continue
        if key == FieldKey.CITIZEN_ID:
            problem = citizen_id_problem(got.value)
            if problem == "check_digit":
                findings.append(Finding(
                    FindingKind.INVALID_CHECK_DIGIT,
                    finding_text(FindingKind.INVALID_CHECK_DIGIT, field=key, found=got.value, confidence=conf),
                    field=key, found=got.value, confidence=conf, page=got.page))
            elif problem:
                findings.append(Finding(
                    FindingKind.INVALID_NUMBER, finding_text(FindingKind.INVALID_NUMBER, field=key, found=got.value),
                    field=key, found=got.value, confidence=conf, page=got.page))
        if key == FieldKey.USCC and uscc_problem(got.value) == "check_digit":
            findings.append(Finding(
                FindingKind.INVALID_CHECK_DIGIT,
                finding_text(FindingKind.INVALID_CHECK_DIGIT, field=key, found=got.value, confidence=conf),
                field=key, found=got.value, confidence=conf, page=got.page))
        if key == FieldKey.VALID_UNTIL:
            if got.value != LONG_TERM:
                end = dt.date.fromisoformat(got.value)
                if end < today:
                    findings.append(Finding(
                        FindingKind.EXPIRED,
                        finding_text(FindingKind.EXPIRED, field=key, found=got.value, confidence=conf),
                        field=key, found=got.value, confidence=conf, page=got.page))
            continue
        want = expected.get(key)
        if want and not _same(key, want, got.value):
            findings.append(Finding(
                FindingKind.FIELD_MISMATCH,
                finding_text(FindingKind.FIELD_MISMATCH, field=key, expected=want, found=got.value, confidence=conf),
                field=key, expected=want, found=got.value, confidence=conf, page=got.page))
    return findings


def check_pages(doc: OcrDocument) -> list[Finding]:
    """Pages with no text or text too unsure to rely on; pages left unread."""
    findings: list[Finding] = []
    for page in doc.pages:
        if not page.lines:
            findings.append(Finding(
                FindingKind.UNREADABLE, finding_text(FindingKind.UNREADABLE, confidence=0.0, page=page.index),
                confidence=0.0, page=page.index))
            continue
        mean = sum(ln.confidence for ln in page.lines) / len(page.lines)
        if mean < UNREADABLE_MEAN_CONFIDENCE:
            findings.append(Finding(
                FindingKind.UNREADABLE,
                finding_text(FindingKind.UNREADABLE, confidence=round(mean, 4), page=page.index),
                confidence=round(mean, 4), page=page.index))
    if doc.truncated:
        findings.append(Finding(
            FindingKind.PAGES_TRUNCATED,
            finding_text(FindingKind.PAGES_TRUNCATED, pages_total=doc.total_pages, pages_read=len(doc.pages)),
        ))
    return findings


def review(
    doc: OcrDocument, profile: MaterialProfile | None, expected: Expected, *, today: dt.date
) -> tuple[dict[str, Extracted], list[Finding]]:
    """Everything pre-review says about one OCR'd document."""
    findings = check_pages(doc)
    extracted: dict[str, Extracted] = {}
    readable = any(page.lines for page in doc.pages)
    if profile is not None and readable:
        extracted = extract_document(doc, profile)
        findings += check_fields(extracted, profile, expected, today=today)
    return extracted, findings


def joined(findings: Iterable[Finding]) -> str:
    return "；".join(f.message for f in findings)
