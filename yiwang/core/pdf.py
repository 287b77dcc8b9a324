"""Shared PDF machinery for every app that prints documents (case documents, licences): the CJK
TrueType font registered once per process (and the fallback fonts for the characters it lacks:
``font_runs``), QR codes (drawn into the PDF as vectors, or as PNG for a
web page) and pictures. ReportLab (with its C accelerators, ``rl-accel``) lays out and writes the
PDF; zxing-cpp makes the QR symbols. Each piece comes as a platypus flowable (``text_flowable``,
``qr_flowable``, ``picture_flowable``) and as what a renderer that places things itself needs
(``paragraph_lines``, ``qr_path``: the case documents' one-page renderer, which writes its PDF with
``core.pdfwriter``). Lives in ``core`` so that apps below ``cases`` (``licenses``) can use it too."""

from __future__ import annotations

import functools
import io
import logging
import threading
import unicodedata
from html import escape as _html_escape
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FONT = "YiwangCJK"
FALLBACK_FONT = "YiwangCJKFallback%d"  # the fallback fonts' names, numbered from 1 in the setting's order
PLACEHOLDER_FONT = "YiwangCJKPlaceholder"  # the main font's missing glyph (a box) for any character
FONT_FILE_ZLIB_LEVEL = 1  # the embedded font subsets' compression (``_subset_face_class``)

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def register_font() -> str:
    """Register the CJK font (``YIWANG_PDF_FONT``) with ReportLab once; return its name.

    Not ``asciiReadable`` (ReportLab's default): that reserves the first of a document's subsets of
    256 codes for the 96 ASCII characters, whose glyphs are then embedded whether the document uses
    them or not (a larger font file to make and compress, a longer ``/Widths`` array), and leaves
    159 codes for the rest, so a document of more characters (a long denial) took a second subset.
    Here every character gets the next free code (the space keeps code 32 for word spacing);
    readers take the text from ``ToUnicode``."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = settings.YIWANG_PDF_FONT
    try:
        font = TTFont(FONT, path, subfontIndex=0, asciiReadable=False)
    except Exception as exc:  # noqa: BLE001 - name the setting and the package, whatever went wrong
        raise ImproperlyConfigured(
            f"YIWANG_PDF_FONT ({path}) is not a usable TrueType CJK font: {exc}. On Debian install "
            "fonts-wqy-zenhei (`make system-deps`) or point PDF_FONT at another TrueType CJK font."
        ) from exc
    font.face.__class__ = _subset_face_class(font.face.__class__)
    pdfmetrics.registerFont(font)
    _mend_to_unicode()
    return FONT


# -- characters the main font lacks (GB 18030-2022: the 196 characters of 《通用规范汉字表》 outside the
# BMP, which WenQuanYi Zen Hei does not have) ----------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _main_chars() -> frozenset[str]:
    """The characters the main font has (its cmap), once per process."""
    from reportlab.pdfbase import pdfmetrics

    return frozenset(map(chr, pdfmetrics.getFont(register_font()).face.charToGlyph))


def drawn_by_main_font(text: str) -> bool:
    """Whether every character of ``text`` is drawn in the main font (``font_for``): for every
    document so far one C-level set check, no per-character Python; a character outside its cmap
    that no other font takes either (a control character, a space) keeps the text the main font's,
    laid out as before."""
    known = _main_chars()
    if not text or known.issuperset(text):
        return True
    return all(font_for(char) == FONT for char in set(text).difference(known))


_LOADING = threading.Lock()  # one thread loads a fallback or the placeholder font; the others wait for it


def fallback_fonts() -> tuple[tuple[str, dict[int, int]], ...]:
    """``_fallback_fonts()``, loaded by one thread at a time (a gthread worker's threads would
    otherwise each parse the 51 MB file at once)."""
    with _LOADING:
        return _fallback_fonts()


@functools.lru_cache(maxsize=1)
def _fallback_fonts() -> tuple[tuple[str, dict[int, int]], ...]:
    """The fallback fonts of ``YIWANG_PDF_FALLBACK_FONTS`` registered with ReportLab, in order, each
    as (its name, its cmap): loaded on the first text the main font cannot draw, never before (the
    default, BabelStone Han, is a 51 MB file). A font that cannot be read is logged and left out:
    its characters are then drawn as the placeholder box (``font_for``), the document still made."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    register_font()
    fonts = []
    for number, path in enumerate(settings.YIWANG_PDF_FALLBACK_FONTS, start=1):
        name = FALLBACK_FONT % number
        try:
            font = TTFont(name, path, subfontIndex=0, asciiReadable=False)
        except Exception:  # noqa: BLE001 - any unreadable font: the document is still made, with boxes
            logger.exception("YIWANG_PDF_FALLBACK_FONTS: %s is not a usable TrueType font; left out", path)
            continue
        font.face.__class__ = _subset_face_class(font.face.__class__)
        pdfmetrics.registerFont(font)
        fonts.append((name, font.face.charToGlyph))
    return tuple(fonts)


class _EveryCharacterMissing(dict[int, int]):
    """A cmap that has every character, each at glyph 0 (the missing glyph): ReportLab's subsetting
    then gives each character its own code (whose ``ToUnicode`` entry is the character) drawn as
    the missing glyph, where a character outside the cmap would be code 0 and extract as nothing."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: Any) -> int:
        return 0

    def get(self, key: Any, default: Any = None) -> int:
        return 0


def register_placeholder_font() -> str:
    """``_register_placeholder_font()``, registered by one thread at a time."""
    with _LOADING:
        return _register_placeholder_font()


@functools.lru_cache(maxsize=1)
def _register_placeholder_font() -> str:
    """The placeholder font: the main font's face whose every character is its missing glyph (the
    box WenQuanYi Zen Hei draws for .notdef), for a character no font has (an emoji, an ideograph
    newer than the fonts): the reader sees that a character stands there and that it could not be
    drawn, and the text still extracts, searches and copies as the real character (``ToUnicode``).
    Registered on the first such character."""
    import copy

    from reportlab.pdfbase import pdfmetrics

    main = pdfmetrics.getFont(register_font())
    font = copy.copy(main)
    font.fontName = PLACEHOLDER_FONT
    font.state = {}
    face = copy.copy(main.face)
    face.charToGlyph = _EveryCharacterMissing()
    face.charWidths = {}  # every character the missing glyph's width (``defaultWidth``)
    face.name = main.face.name + b"-Placeholder"  # its subsets' names differ from the main font's
    font.face = face
    pdfmetrics.registerFont(font)
    return PLACEHOLDER_FONT


def font_for(char: str) -> str:
    """The font a character is drawn in: the main font if it has it, else the first fallback font
    that has it, else the placeholder box (``register_placeholder_font``) for a printable character;
    a control or format character, a space, or a lone surrogate, stays the main font's (code 0,
    nothing drawn, as ReportLab draws it). A character unassigned in Python's Unicode tables (CJK
    Extension H and I are newer than Python 3.11's Unicode 14) is boxed: it is text someone typed."""
    point = ord(char)
    if char in _main_chars():
        return FONT
    if _invisible(char):  # before the fallback fonts: BabelStone Han draws visible labels for these
        return FONT
    for name, cmap in fallback_fonts():
        if point in cmap:
            return name
    return register_placeholder_font()  # unassigned (Cn) boxed too: newer than Python's tables


def font_file(char: str) -> str | None:
    """The TrueType file (face 0) that draws ``char`` outside a PDF (Pillow: the seal picture), by
    ``font_for``'s rule: the main font's file for its own characters, the first fallback font's
    that has it, the main font's again for a character no font has (its missing glyph: the box the
    placeholder font draws); None for a character that draws nothing (a control or format
    character, a variation selector, a space the main font lacks), which takes no place either."""
    from reportlab.pdfbase import pdfmetrics

    name = font_for(char)
    if name == FONT and char not in _main_chars():
        return None
    return str(pdfmetrics.getFont(name).face.filename)


# controls, format characters (joiners, direction marks, tags), lone surrogates and spaces
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})


def _invisible(char: str) -> bool:
    """A character that draws nothing in running text: a control or format character, a space, a
    lone surrogate, or a variation selector (U+FE00–FE0F, U+E0100–E01EF, Mongolian U+180B–180D and
    U+180F: they choose a glyph variant of the character before them, which no font here has)."""
    point = ord(char)
    return (unicodedata.category(char) in _INVISIBLE_CATEGORIES or 0xFE00 <= point <= 0xFE0F
            or 0xE0100 <= point <= 0xE01EF or 0x180B <= point <= 0x180F)


def font_runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into runs of one font each (``font_for``): (font name, run), in order."""
    runs: list[tuple[str, str]] = []
    for char in text:
        font = font_for(char)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def _fallback_markup(text: str) -> str:
    """Paragraph markup of plain ``text`` with each run the main font lacks in its own font."""
    return "".join(escape(run) if font == FONT else f'<font name="{font}">{escape(run)}</font>'
                   for font, run in font_runs(text))


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ``makeToUnicodeCMap`` with a character outside the BMP written as its UTF-16
    surrogate pair (PDF 32000-1, 9.10.3: the destination is UTF-16BE), where ReportLab 4 writes the
    code point's five hex digits (``<2C317>``), which readers do not map back to the character. The
    same text as ReportLab's for a subset of BMP characters."""
    cmap: str = _REPORTLAB_TO_UNICODE[0](fontname, subset)
    if max(subset, default=0) < 0x10000:
        return cmap
    lines = cmap.split("\n")
    first = lines.index(f"{len(subset)} beginbfchar") + 1
    for code, point in enumerate(subset):
        if point >= 0x10000:
            lines[first + code] = f"<{code:02X}> <{chr(point).encode('utf-16-be').hex().upper()}>"
    return "\n".join(lines)


_REPORTLAB_TO_UNICODE: list[Any] = []  # ReportLab's own makeToUnicodeCMap, once mended


def _mend_to_unicode() -> None:
    """Route ReportLab's ``TTFont.addObjects`` (the platypus documents: licences, long letters)
    through ``to_unicode_cmap``: it looks ``makeToUnicodeCMap`` up in its module when it runs."""
    from reportlab.pdfbase import ttfonts

    if ttfonts.makeToUnicodeCMap is not to_unicode_cmap:
        _REPORTLAB_TO_UNICODE[:] = [ttfonts.makeToUnicodeCMap]
        ttfonts.makeToUnicodeCMap = to_unicode_cmap


class _TableWindow:
    """A table of the font file, sliced on demand: ``window[a:b]`` is the table's bytes ``a`` to ``b``."""

    __slots__ = ("data", "start", "length")

    def __init__(self, data: bytes, start: int, length: int) -> None:
        self.data, self.start, self.length = data, start, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, part: slice) -> bytes:
        begin, end, step = part.indices(self.length)
        if step != 1:
            raise ValueError("a font table window is sliced in order")
        return self.data[self.start + begin:self.start + max(begin, end)]


@functools.lru_cache(maxsize=4)
def _subset_face_class(base: Any) -> type:
    """ReportLab's TrueType face, with the tables its subsetter reads served without copying them.

    Every document embeds the subset of the glyphs it uses (``TTFontFile.makeSubset``), and the
    subsetter reads the tables it needs with ``get_table``, which slices them out of the whole font
    file each time: for WenQuanYi Zen Hei that is the 10.6 MB ``glyf`` table and the 450 kB ``post``
    table, about 1.5 ms of copying per document, to read a few kilobytes of glyphs (profile of
    ``bench/documents.py``, docs/benchmarks.md). Here ``glyf`` and ``post``, of which the subsetter
    only takes slices, are windows onto the file's bytes; the small tables it copies whole (``name``,
    ``OS/2``, ``hhea``, ...) are sliced once per process (they are immutable bytes). The subset made
    is byte for byte the one ReportLab makes (``core/tests/test_pdf.py``).

    The subset's font file (the glyphs, 30 kB for a receipt) is compressed at zlib level 1 rather
    than ReportLab's default 6: about 0.35 ms less per document, for 3 % more bytes in the file
    (``bench/documents.py``, docs/benchmarks.md)."""
    import zlib

    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC

    class FastFlate(pdfdoc.PDFStreamFilterZCompress):
        def encode(self, text: Any) -> bytes:
            return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, FONT_FILE_ZLIB_LEVEL)

    fast_flate = FastFlate()

    class SubsetFace(base):
        _SLICED = frozenset({"glyf", "post"})

        def addSubsetObjects(self, doc: Any, fontname: str, subset: Any) -> Any:  # noqa: N802 - ReportLab's name
            # ReportLab's TTFontFile.addSubsetObjects (5.1), the font file compressed by fast_flate
            font_file = pdfdoc.PDFStream()
            font_file.content = self.makeSubset(subset)
            font_file.dictionary["Length1"] = len(font_file.content)
            if doc.compression:
                font_file.filters = [fast_flate]
            font_file_ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
            descriptor = pdfdoc.PDFDictionary({
                "Type": "/FontDescriptor", "Ascent": self.ascent, "CapHeight": self.capHeight,
                "Descent": self.descent, "Flags": (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(self.bbox), "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle, "StemV": self.stemV, "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            })
            return doc.Reference(descriptor, "fontDescriptor:" + fontname)

        def get_table(self, tag: str) -> Any:
            pos, length = self.get_table_pos(tag)
            if tag in self._SLICED:
                return _TableWindow(self._ttf_data, pos, length)
            tables = self.__dict__.setdefault("_whole_tables", {})
            if tag not in tables:
                tables[tag] = self._ttf_data[pos:pos + length]
            return tables[tag]

    SubsetFace.__name__ = SubsetFace.__qualname__ = f"Subset{base.__name__}"
    return SubsetFace


def qr_matrix(text: str, *, error: str = "m") -> list[list[bool]]:
    """The modules of a QR code (model 2) of ``text`` at error-correction level ``error``, row by
    row from the top, dark = True, without the quiet zone: the one home of the QR codes in PDFs and
    PNGs (the HTML pages' inline SVG codes are segno's).

    Made by zxing-cpp (its writer is libzint, in C): the smallest version that holds the text, and
    the data mask chosen as ISO/IEC 18004 says, the lowest penalty score (rules N1–N4) of the eight
    patterns. That search was three quarters of a QR code's cost in pure Python (segno, about 6 ms
    a code; here about 0.3 ms). libzint also splits the text into numeric, alphanumeric and byte
    segments where that is shorter, so the symbol can differ from segno's for the same text; a
    reader gets the same text (``core/tests/test_pdf.py`` decodes it). libzint reads penalty rule N3
    a little differently from segno: on 120 progress links, 3 got a mask within 1 % of segno's
    lowest score instead of the lowest (the test checks the 1 %). The level is the one asked for
    (segno raised M to Q where the same version had room: 14 of 199 text lengths tried)."""
    return _qr_dark(text, error=error).tolist()


def _qr_dark(text: str, *, error: str = "m") -> Any:
    """``qr_matrix`` as a NumPy array of booleans."""
    import numpy as np
    import zxingcpp

    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=error.upper())
    image = symbol.to_image(scale=1, add_quiet_zones=False)  # one pixel a module, black on white
    return np.asarray(image) < 128


def qr_png(text: str, *, error: str = "m", scale: int = 4, border: int = 2) -> bytes:
    """A QR code of ``text`` as PNG bytes (``scale`` pixels a module, ``border`` modules of quiet zone)."""
    import numpy as np
    from PIL import Image

    dark = np.pad(np.array(qr_matrix(text, error=error), dtype=bool), border)
    pixels = np.where(dark, 0, 255).astype(np.uint8).repeat(scale, axis=0).repeat(scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="L").convert("1").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def escape(text: str) -> str:
    """ReportLab paragraph markup: &, < and > are markup."""
    return _html_escape(text, quote=False)


def text_flowable(text: str, style: Any) -> Any:
    """A paragraph of plain ``text`` (not markup: ``&``, ``<`` and ``>`` are printed as they are) in
    one ``style``: the one way the documents print their text (``PlainParagraph``)."""
    return _plain_paragraph_class()(text, style)


MAX_REMEMBERED_WIDTHS = 20_000  # characters per font and size (WenQuanYi Zen Hei has about 21,000)


@functools.lru_cache(maxsize=1)
def _plain_paragraph_class() -> type:
    from reportlab.lib.textsplit import dumbSplit
    from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
    from reportlab.platypus import paragraph as rl_paragraph
    from reportlab.platypus.paragraph import FragLine, Paragraph, ParaLines, cleanBlockQuotedText
    from reportlab.rl_config import _FUZZ

    cannot_start = rl_paragraph.ALL_CANNOT_START
    category = rl_paragraph.category
    same_frag = rl_paragraph.sameFrag
    templates: dict[tuple[Any, ...], Any] = {}
    widths: dict[tuple[str, float], dict[str, float]] = {}

    def template(style: Any) -> Any:
        # the fragment ReportLab's markup parser makes of plain text in this style (it reads the
        # style's font, size and colour), parsed once per style and cloned with each text
        key = (style.fontName, style.fontSize, repr(style.textColor))
        if key not in templates:
            (frag,) = Paragraph("x", style).frags
            templates[key] = frag
        return templates[key]

    class PlainParagraph(Paragraph):
        """ReportLab's ``Paragraph`` of escaped plain text, laid out and drawn as ReportLab lays it
        out and draws it, line for line and position for position, at a fraction of the CPU.

        A profile of ``bench/documents.py`` put a third of a document's layout in paragraphs:
        parsing markup the documents never use (Python's HTML parser, per paragraph); the CJK line
        breaking of a paragraph that the parser split into several fragments (any ``&``, ``<`` or
        ``>``: every progress link's ``&c=``), which makes one object per character and compares
        each character's style with the previous one's; and wrapping each table cell twice (the
        table measures its rows, then draws them). Here:

        * text without markup characters becomes the parser's own single fragment, without parsing;
        * a paragraph whose fragments all have one style is broken into lines by ReportLab's CJK
          algorithm (``cjkFragSplit``: the same widths, the same fuzz, the same rules for Latin words
          and for characters that cannot start a line), over the characters rather than over an
          object per character, giving the same lines (``FragLine``), which ReportLab then draws;
        * a paragraph of one fragment is broken by ReportLab's own ``dumbSplit``, as ``wordSplit``
          breaks it, with each character's width looked up in a table instead of measured again
          (``stringWidth`` per character was half of that breaking);
        * a second ``wrap`` at the same width returns the first's result.

        Anything else (several styles, bullets, images, splitting across pages) is ReportLab's own
        code. ``core/tests/test_pdf.py`` checks fragments and lines against ``Paragraph``'s own on
        many texts and widths."""

        def __init__(self, text: str | None, style: Any, bulletText: Any = None, frags: Any = None,  # noqa: N803
                     **kwargs: Any) -> None:
            self._wrapped: tuple[Any, ...] | None = None
            if frags is not None or bulletText is not None or kwargs or text is None:
                # ReportLab's own calls (``split`` makes the parts of a paragraph from its fragments)
                super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)
                return
            cleaned = cleanBlockQuotedText(text)
            if style.fontName == FONT and not drawn_by_main_font(cleaned):
                # characters the main font lacks: ReportLab's paragraph of one font run each
                super().__init__(_fallback_markup(text), style)
            elif (not cleaned or "&" in cleaned or "<" in cleaned or ">" in cleaned
                    or getattr(style, "textTransform", None) or getattr(style, "bulletText", None)):
                super().__init__(escape(text), style)
            else:
                self.caseSensitive, self.encoding = 1, "utf8"
                self._setup(cleaned, style, None, [template(style).clone(text=cleaned)], cleanBlockQuotedText)

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
            memo = self._wrapped
            if memo is not None and memo[0] == availWidth and memo[1] is self.frags and not getattr(self, "_splitpara", 0):
                self.width, self._wrapWidths, self.blPara, self.height = availWidth, memo[2], memo[3], memo[4]
                return availWidth, memo[4]
            result = super().wrap(availWidth, availHeight)
            if not getattr(self, "_splitpara", 0):
                self._wrapped = (availWidth, self.frags, self._wrapWidths, self.blPara, self.height)
            return result

        def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802,N803 - ReportLab's names
            frags = self.frags
            style = self.style
            if style.endDots or self.bulletText or getattr(self, "_splitpara", 0):
                return super().breakLinesCJK(maxWidths)
            if not isinstance(maxWidths, list | tuple):
                maxWidths = [maxWidths]
            if len(frags) == 1 and isinstance(getattr(frags[0], "text", None), str) and not hasattr(frags[0], "cbDefn"):
                # ReportLab's single-fragment case: wordSplit is dumbSplit over each character's width
                # from stringWidth, here from the table of widths already seen
                self.height = 0
                frag = frags[0]
                lines = dumbSplit(frag.text, _widths(frag, frag.text), maxWidths)
                return frag.clone(kind=0, lines=[(space, [text]) for space, text in lines], ascent=frag.fontSize,
                                  descent=-0.2 * frag.fontSize)
            auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
            if len(frags) < 2 or auto_leading not in ("", "off") or not _uniform(frags):
                return super().breakLinesCJK(maxWidths)
            self.height = 0
            return _cjk_lines(frags, maxWidths)

    def lines_for(text: str, style: Any, width: float) -> list[tuple[float, str]]:
        """The lines ``PlainParagraph(text, style)`` breaks ``text`` into at ``width`` (the paragraph's
        own ``wrap`` and ``breakLinesCJK``, above), each as (the line's extra space, its text):
        what a renderer that places the lines itself needs to draw them where ReportLab draws them."""
        cleaned = cleanBlockQuotedText(text)
        simple = (cleaned and "<" not in cleaned and ">" not in cleaned
                  and not getattr(style, "textTransform", None) and not getattr(style, "bulletText", None)
                  and not style.endDots and style.wordWrap == "CJK"
                  and (style.fontName != FONT or drawn_by_main_font(cleaned)))
        first = width - (style.leftIndent + style.firstLineIndent) - style.rightIndent
        later = width - style.leftIndent - style.rightIndent
        if simple and "&" not in cleaned:  # breakLinesCJK's single fragment: dumbSplit over the characters' widths
            frag = template(style)
            return [(space, line) for space, line in dumbSplit(cleaned, _widths(frag, cleaned), [first, later])]
        if simple and cleaned != "&" and getattr(style, "autoLeading", "") in ("", "off"):
            # an ``&`` (a link's ``&c=``): ReportLab's parser cuts the text into fragments of one style
            # at each ``&`` (so never one fragment, but for a lone ``&``), which breakLinesCJK gives
            # to ``_cjk_lines``; that reads only their characters, so the text as one fragment gives
            # the same lines without parsing the markup (a receipt's two footer notes: about 0.1 ms each)
            lines = _cjk_lines([template(style).clone(text=cleaned)], [first, later]).lines
            return [(line.extraSpace, "".join(word.text for word in line.words)) for line in lines]
        paragraph = PlainParagraph(text, style)
        paragraph.wrap(width, 1e9)
        blpara = paragraph.blPara
        if blpara.kind == 0:
            return [(space, " ".join(words)) for space, words in blpara.lines]
        return [(line.extraSpace, "".join(word.text for word in line.words)) for line in blpara.lines]

    PlainParagraph.lines_for = staticmethod(lines_for)

    def _widths(frag: Any, chars: str) -> list[float]:
        """``stringWidth`` of each character in the fragment's font and size, remembered per process
        (bounded: past ``MAX_REMEMBERED_WIDTHS`` characters a font's table starts again from this
        text's characters). A full table is replaced, never cleared in place: another thread reading
        the old one still finds every character it asked for."""
        key = (frag.fontName, frag.fontSize)
        table = widths.setdefault(key, {})
        missing = set(chars).difference(table)
        if missing:
            if len(table) + len(missing) > MAX_REMEMBERED_WIDTHS:
                table, missing = {}, set(chars)
                widths[key] = table
            for ch in missing:
                table[ch] = stringWidth(ch, frag.fontName, frag.fontSize)
        return [table[ch] for ch in chars]

    def _uniform(frags: list[Any]) -> bool:
        first = frags[0]
        for frag in frags:
            if (not isinstance(getattr(frag, "text", None), str) or not frag.text or hasattr(frag, "cbDefn")
                    or hasattr(frag, "lineBreak") or not same_frag(first, frag)):
                return False
        return True

    def _cjk_lines(frags: list[Any], max_widths: list[float]) -> Any:
        # ReportLab's cjkFragSplit (paragraph.py), for fragments of one style and no line breaks:
        # each character's width, the line ended where the width passes the line's by more than
        # _FUZZ, a Latin word carried over whole where it can be, a character that cannot start a
        # line kept hanging at the end of this one; then makeCJKParaLine's one fragment a line
        frag = frags[0]
        chars = "".join(f.text for f in frags)
        owner = [f for f in frags for _ in f.text]  # the fragment each character came from
        u_width = _widths(frag, chars)
        ascent, descent = getAscentDescent(frag.fontName, frag.fontSize)
        ascent, descent = max(0, ascent), min(0, descent)

        def line(start: int, stop: int, max_width: float, used: float, extra: float) -> Any:
            words = [owner[start].clone(text=chars[start:stop])] if stop > start else []
            return FragLine(kind=1, extraSpace=extra, wordCount=1, words=words,
                            fontSize=frag.fontSize if words else 0, ascent=ascent if words else 0,
                            descent=descent if words else 0, maxWidth=max_width, currentWidth=used, lineBreak=False)

        lines: list[Any] = []
        i = line_start = 0
        used = 0.0
        max_width = max_widths[0]
        count = len(chars)
        while i < count:
            u = chars[i]
            w = u_width[i]
            i += 1
            used += w
            if used > max_width + _FUZZ and used > 0:
                extra = max_width - used
                if ord(u) < 0x3000:
                    limit = (line_start + i) >> 1
                    for j in range(i - 1, limit, -1):
                        uj = chars[j]
                        if uj and category(uj) == "Zs" or ord(uj) >= 0x3000:
                            k = j + 1
                            if k < i:
                                j = k + 1
                                extra += sum(u_width[ii] for ii in range(j, i))
                                w = u_width[k]
                                u = chars[k]
                                i = j
                                break
                if u not in cannot_start and i > line_start + 1:
                    i -= 1
                    extra += w
                lines.append(line(line_start, i, max_width, used, extra))
                try:
                    max_width = max_widths[len(lines)]
                except IndexError:
                    max_width = max_widths[-1]
                line_start = i
                used = 0.0
        if used > 0:
            lines.append(line(line_start, count, max_width, used, max_width - used))
        return ParaLines(kind=1, lines=lines)

    return PlainParagraph


def paragraph_lines(text: str, style: Any, width: float) -> list[tuple[float, str]]:
    """The lines of ``text_flowable(text, style)`` wrapped at ``width``, as (extra space, text): for a
    renderer that draws the lines where ReportLab's paragraph would (``PlainParagraph.lines_for``)."""
    paragraph: Any = _plain_paragraph_class()
    return paragraph.lines_for(text, style, width)


def qr_path(text: str, *, size: float, error: str = "m", border: int = 2) -> tuple[float, str]:
    """A QR code of ``text`` as a PDF path in modules: (the size of a module in points, the path's
    rectangles). The dark modules of a row are merged into runs, one rectangle each.

    The path is written in modules, not points: the code's square is scaled once and every rectangle
    is four small integers, formatted by Python rather than through ReportLab's number formatting (a
    licence's code has about 2,700 rectangles), and half as many bytes for the page's stream to
    compress. The runs are found with NumPy, and written as words looked up in a table of the
    numbers a code of its size can hold (``_qr_words``), by NumPy's indexing: formatting each of a
    licence's 8,000 numbers was more than the code's own making in C."""
    import numpy as np

    dark = _qr_dark(text, error=error)
    count = dark.shape[0]
    modules = count + 2 * border
    padded = np.zeros((count, count + 2), dtype=np.int8)  # a light module either side of each row
    padded[:, 1:-1] = dark
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)  # row-major: the runs of each row, left to right
    ends = np.nonzero(edges == -1)[1]
    top = modules - border - 1  # the y of row 0's bottom edge, in modules from the bottom
    # each run "x y width 1 re": x and y are words 0 .. modules - 1, "width 1 re" the word modules + width
    keys = np.stack([starts + border, top - rows, ends - starts + modules], axis=1).ravel()
    return size / modules, " ".join(_qr_words(modules)[keys].tolist())


@functools.lru_cache(maxsize=16)
def _qr_words(modules: int) -> Any:
    """The words of a QR code's path (``qr_path``) of ``modules`` modules a side, as a NumPy array
    of strings: the numbers 0 .. modules - 1, then each run's width with its height and operator
    ("w 1 re"), 0 .. modules - 1. Kept for the 16 sizes used last, per process: the documents
    encode short links and codes, which take a few QR versions (sizes) of the 40, so each size is
    made about once; an unusual size costs one list of at most 2 × 177 numbers again."""
    import numpy as np

    return np.array([str(n) for n in range(modules)] + [f"{n} 1 re" for n in range(modules)], dtype=object)


def _draw_qr_path(canvas: Any, unit: float, path: str) -> None:
    from reportlab.pdfgen.pathobject import PDFPathObject

    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(unit, 0, 0, unit, 0, 0)
    if path:
        canvas.drawPath(PDFPathObject(code=["n", path]), stroke=0, fill=1)
    canvas.restoreState()


def qr_flowable(text: str, *, size: float, error: str = "m", border: int = 2) -> Any:
    """A QR code of ``text`` drawn straight into the PDF as vector squares (a ReportLab flowable of
    ``size`` points square, quiet zone of ``border`` modules included; ``qr_path``): no PNG to encode
    and no image to decode and compress again in every document, and the modules stay sharp at any
    scale."""
    from reportlab.platypus import Flowable

    unit, path = qr_path(text, size=size, error=error, border=border)

    class _QR(Flowable):
        def __init__(self) -> None:
            super().__init__()
            self.width = self.height = size

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return size, size

        def draw(self) -> None:
            _draw_qr_path(self.canv, unit, path)

    return _QR()


@functools.lru_cache(maxsize=32)
def _image_xobjects(data: bytes) -> tuple[str, Any, Any]:
    """A picture as ReportLab's ``drawImage`` encodes it into a PDF (``mask="auto"``): its XObject
    name, the image XObject, and its soft mask (transparency) XObject or None. Made once per process
    and picture: a seal is printed on every document its department issues, and encoding it is the
    most expensive part of drawing it (the pixels compressed with zlib, 360 x 360 RGB and alpha:
    about 3 ms a document, and an MD5 of them for the name)."""
    from reportlab.lib.utils import ImageReader, _digester
    from reportlab.pdfbase.pdfdoc import PDFImageXObject

    reader = ImageReader(io.BytesIO(data))
    rgb, alpha = reader.getRGBData(), reader._dataA
    name = _digester(rgb + (alpha.getRGBData() if alpha else b"auto"))
    image = PDFImageXObject(name, reader, mask="auto")
    image.name = name
    soft_mask = image.__dict__.pop("_smask", None)
    return name, image, soft_mask


def _draw_picture(canvas: Any, data: bytes, width: float, height: float) -> None:
    """``canvas.drawImage(ImageReader(data), 0, 0, width, height, mask="auto")``, the same PDF
    objects and operators, from the XObjects encoded once (``_image_xobjects``): what ``drawImage``
    does after encoding, step for step (ReportLab 5.1)."""
    import copy

    from reportlab.pdfbase.pdfdoc import PDFObjectReference

    name, image, soft_mask = _image_xobjects(data)
    canvas._currentPageHasImages = 1
    document = canvas._doc
    registered = document.getXObjectName(name)
    if not document.idToObject.get(registered, None):
        image = copy.copy(image)  # this document's object; the encoded stream is shared
        canvas._setXObjects(image)
        document.Reference(image, registered)
        document.addForm(name, image)
        if soft_mask is not None:
            mask_registered = document.getXObjectName(soft_mask.name)
            if not document.idToObject.get(mask_registered, None):
                soft_mask = copy.copy(soft_mask)
                canvas._setXObjects(soft_mask)
                image.smask = document.Reference(soft_mask, mask_registered)
            else:
                image.smask = PDFObjectReference(mask_registered)
    canvas.saveState()
    canvas.translate(0, 0)
    canvas.scale(width, height)
    canvas._code.append(f"/{registered} Do")
    canvas.restoreState()
    canvas._formsinuse.append(name)


def picture_flowable(data: bytes, *, width: float, height: float) -> Any:
    """A picture (a department's seal) as a ReportLab flowable, encoded for the PDF once per process
    and picture rather than once per document (``_image_xobjects``): a seal is printed on every
    document its department issues. Drawn as ReportLab's ``drawImage`` draws it (transparency
    kept: ``mask="auto"``)."""
    from reportlab.platypus import Flowable

    _image_xobjects(data)  # a picture that cannot be read fails here, where the document is built

    class _Picture(Flowable):
        def __init__(self) -> None:
            super().__init__()
            self.width, self.height = width, height

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return width, height

        def draw(self) -> None:
            _draw_picture(self.canv, data, width, height)

    return _Picture()
