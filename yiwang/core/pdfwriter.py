"""A one-page PDF written straight to bytes: for a renderer that has already placed everything it
draws (the case documents' and the licence's ``_render_page``, placing their flowables with
``Frame``), without ReportLab's canvas and document objects.

Issue #14: a case's receipt and decision letter were drawn through ReportLab's ``Canvas`` and
``PDFDocument``, whose object formatting, text encoding and font embedding were most of a
document's render (py-spy: ``Canvas.save`` about two thirds of it), after the layout itself had
been computed directly. What a one-page document needs of PDF is small, and written here:

* the objects: catalog, page tree, page, resources, the information dictionary, the content stream
  (compressed with zlib), an xref table and the trailer;
* the CJK TrueType font of ``core.pdf`` (``YIWANG_PDF_FONT``), and for a character it lacks the
  first fallback font that has it (``YIWANG_PDF_FALLBACK_FONTS``, ``core.pdf.font_for``: a switch of
  font per run, each font its own subsets) or, where none has it, the main font's missing glyph (a
  box) under a code of its own whose ``ToUnicode`` entry is the character, each embedded as ReportLab
  embeds it: simple TrueType fonts of up to 256 codes each, the characters numbered in the order the
  page first uses them (``TTFont.splitString``'s numbering: code 0 the missing glyph, code 32 the
  space), each subset with its ``Widths``, its ``ToUnicode`` CMap and its glyphs (ReportLab's own
  ``TTFontFile.makeSubset``, through ``core.pdf``'s faster face). Text is written as hex strings,
  so nothing in an applicant's text needs escaping. Why not a composite font (``Type0`` over a
  ``CIDFontType2``, ``Identity-H``, one subset for any number of characters): tried first, it
  draws the same glyphs, but PDFium measures a CID font's characters with boxes rounded out to
  pixels, and its text extraction then joins a table's label and a value centred beside it onto
  one line where today's documents (and platypus's) have two: the text would not extract as it
  did. A document of up to about 250 distinct characters (every receipt and letter so far, a long
  denial included) has one subset;
* filled rectangles and stroked lines (a table's background and rules), a path of rectangles
  (a QR code from ``core.pdf.qr_path``) and a picture (a seal: an RGB image XObject with its alpha
  channel as a soft mask, prepared once per process and picture by ``picture``).

What is the same in every document of a process (the parsed face, the font descriptor, a seal's
encoded picture) is prepared once; nothing of a page's text outlives the page."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from typing import Any

from yiwang.core.pdf import FONT_FILE_ZLIB_LEVEL as FONT_ZLIB_LEVEL  # the glyphs: 3 % more bytes, far less CPU

# the page's operators and the ToUnicode CMaps: level 5, not ReportLab's 6 for page streams: a
# licence's 28 kB of operators (its QR code's rectangles, mostly) in 0.45 ms instead of 0.73 ms, for
# 67 bytes more (a receipt: 28 bytes more, 0.02 ms less; bench/documents.py, docs/benchmarks.md)
CONTENT_ZLIB_LEVEL = 5
PICTURE_ZLIB_LEVEL = 6  # a seal's pixels: compressed once per process (``picture``), so the smaller file
MEM_LEVEL = 9  # zlib's most memory (8 by default): a receipt's 33 kB of glyphs in about 0.1 ms less, the same size
MIN_LOOKAHEAD = 262  # zlib's MIN_LOOKAHEAD: a match reaches back at most the window less this
CMAP_RANGE = 100  # entries per ``beginbfchar`` block (the CMap specification's limit)


def _deflate(data: bytes, level: int) -> bytes:
    """``zlib.compress`` at ``level``, with a window just large enough for ``data``.

    zlib sets up its window and hash table (and clears the table) before it reads a byte: at the
    default 32 kB window and ``MEM_LEVEL`` that set-up costs more than compressing a 2 kB CMap or a
    6 kB page of operators (about 0.07 ms of a CMap's 0.11). A window that holds the whole of
    ``data`` (and zlib's lookahead) finds every match the 32 kB one finds, so the stream is the
    same size; the hash table is sized to the window (a memory level of its bits less 7). Data of
    32 kB or more (a subset's glyphs, a seal's pixels) gets the full window and ``MEM_LEVEL``. Any
    window is plain FlateDecode: a reader takes the window's size from the stream's header."""
    bits = min(zlib.MAX_WBITS, max(9, (len(data) + MIN_LOOKAHEAD - 1).bit_length()))
    memory = MEM_LEVEL if bits == zlib.MAX_WBITS else bits - 7
    compressor = zlib.compressobj(level, zlib.DEFLATED, bits, memory)
    return compressor.compress(data) + compressor.flush()


@functools.lru_cache(maxsize=1)
def _fp_str() -> Any:
    from reportlab.lib.rl_accel import fp_str

    return fp_str


def numbers(*values: float) -> str:
    """Numbers as ReportLab writes them (``rl_accel.fp_str``, in C: a few decimals, no trailing
    zeros), so that a position is the point it was."""
    return _fp_str()(*values)


def _literal(text: str) -> bytes:
    """A PDF text string: PDFDocEncoding's ASCII part as a literal, anything else as UTF-16BE with
    its byte order mark, in hex (nothing to escape; a lone surrogate, which no database stores, as
    U+FFFD rather than as UTF-16 no reader decodes)."""
    if text.isascii() and text.isprintable():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})".encode("ascii")
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"


def _name(text: str) -> str:
    """A PDF name's characters: regular ASCII kept, anything else written as #xx."""
    return "".join(ch if ch.isascii() and ch.isalnum() or ch in "-_." else
                   "".join(f"#{b:02X}" for b in ch.encode("utf-8")) for ch in text)


@dataclass(frozen=True)
class Face:
    """The TrueType face and what every document's font dictionaries repeat, once per process."""

    face: Any  # ReportLab's TTFontFile (``core.pdf``'s subset face)
    base_name: str  # the PostScript name, for ``/BaseFont`` after the subset's tag
    descriptor: str  # the font descriptor's entries but ``/FontName`` and ``/FontFile2``


@functools.lru_cache(maxsize=1)
def face() -> Face:
    """The registered CJK font's face (``core.pdf.register_font``), prepared once per process."""
    from yiwang.core.pdf import register_font

    return font_face(register_font())


@functools.lru_cache(maxsize=8)
def font_face(font_name: str) -> Face:
    """A font registered with ReportLab (the main font, a fallback font: ``core.pdf``) as a ``Face``,
    prepared once per process."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC

    ttf = pdfmetrics.getFont(font_name).face
    name = (ttf.name + ttf.subfontNameX).decode("latin-1")
    flags = (ttf.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
    descriptor = (f"/Type /FontDescriptor /Ascent {numbers(ttf.ascent)} /CapHeight {numbers(ttf.capHeight)}"
                  f" /Descent {numbers(ttf.descent)} /Flags {flags} /FontBBox [{numbers(*ttf.bbox)}]"
                  f" /ItalicAngle {numbers(ttf.italicAngle)} /StemV {numbers(ttf.stemV)}"
                  f" /MissingWidth {numbers(ttf.defaultWidth)}")
    return Face(face=ttf, base_name=_name(name), descriptor=descriptor)


@dataclass(frozen=True)
class Picture:
    """A picture encoded as a PDF image XObject: its RGB samples and, when it has transparency, its
    alpha channel (the soft mask), each compressed."""

    width: int
    height: int
    rgb: bytes
    alpha: bytes | None


@functools.lru_cache(maxsize=32)
def picture(data: bytes) -> Picture:
    """A picture (a department's seal, PNG) encoded once per process and picture: it is printed on
    every document its department issues, and compressing its pixels costs milliseconds. The
    samples are ReportLab's ``ImageReader``'s (``drawImage(..., mask="auto")``): RGB, and the alpha
    channel as a ``DeviceGray`` soft mask."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        image: Image.Image = opened
        if image.mode not in ("RGB", "RGBA", "L", "LA") or "transparency" in image.info:
            image = image.convert("RGBA")
        alpha = image.getchannel("A").tobytes() if "A" in image.getbands() else None
        rgb = image.convert("RGB").tobytes()
        width, height = image.size
    return Picture(width=width, height=height, rgb=_deflate(rgb, PICTURE_ZLIB_LEVEL),
                   alpha=_deflate(alpha, PICTURE_ZLIB_LEVEL) if alpha is not None else None)


class PageFull(Exception):
    """What is placed next does not fit on the page (``Frame.place``)."""


class Frame:
    """Where the next flowable goes down a page, by the rules of ReportLab's ``Frame._add`` (the one frame of
    ``SimpleDocTemplate``), for a renderer that places what platypus would place: a flowable's space
    before is dropped at the top of the frame and overlaps the previous one's space after; a flowable
    that would end below the frame's bottom goes to the next page (``PageFull``)."""

    __slots__ = ("y", "bottom", "at_top", "after")

    def __init__(self, *, top: float, bottom: float) -> None:
        self.y, self.bottom = top, bottom
        self.at_top, self.after = True, 0.0

    def place(self, height: float, space_before: float = 0, space_after: float = 0) -> float:
        """The bottom of a flowable ``height`` high placed next (a ``Spacer``: its height), the frame
        moved on past it and its space after."""
        from reportlab.rl_config import _FUZZ

        space = 0.0 if self.at_top else max(space_before - self.after, 0)
        if self.y - self.bottom - space <= 0:
            raise PageFull
        low = self.y - (height + space)
        if low < self.bottom - _FUZZ:
            raise PageFull
        moved = low - space_after
        self.after = space_after
        if moved != self.y:
            self.at_top = False
        self.y = moved
        return low


FOREIGN = 1 << 30  # the main font's code of a character drawn in a fallback font (``Page._foreign``)


def place_lines(texts: list[tuple[Any, float, float, str]], style: Any, left: float, low: float, height: float,
                broken: tuple[tuple[float, str], ...]) -> None:
    """A paragraph's lines (``core.pdf.paragraph_lines``: each line's spare width and text), as
    ReportLab's ``Paragraph.drawPara`` draws them in a box of ``height`` at (``left``, ``low``),
    appended to ``texts`` as (style, x, baseline, line): the one rule the case documents and the
    licence place their text by."""
    baseline = low + height - style.fontSize
    for i, (extra, line) in enumerate(broken):
        offset = style.firstLineIndent if i == 0 else 0
        if style.alignment == 1:
            offset += 0.5 * extra
        elif style.alignment == 2:
            offset += extra
        texts.append((style, left + style.leftIndent + offset, baseline - i * style.leading, line))


class _Subsets:
    """A font's characters on a page as ReportLab's TTFont assigns them (``splitString``, not
    ``asciiReadable``): each the next code of the current subset of 256, code 0 of every subset the
    missing glyph and code 32 the space."""

    __slots__ = ("face", "codes", "subsets", "next")

    def __init__(self, face: Face) -> None:
        self.face = face
        self.codes: dict[str, int] = {" ": 32, "\xa0": 32}
        self.subsets: list[list[int]] = [[0] + [32] * 32]
        self.next = 1

    def assign(self, char: str) -> int:
        """The next code for a character (``TTFont.splitString``'s numbering)."""
        subsets = self.subsets
        code = self.next
        if code & 0xFF == 32:  # code 32 of every subset is the space
            if code != 32:
                subsets[code >> 8].append(32)
            code += 1
        if code > 32 and not code & 0xFF:  # a new subset: its code 0 is the missing glyph
            subsets.append([0])
            code += 1
        if code > 32:
            subsets[code >> 8].append(ord(char))
        else:
            subsets[0][code] = ord(char)
        self.next = code + 1
        self.codes[char] = code
        return code


class Page:
    """One page, drawn in PDF's own coordinates (points, origin at the bottom left), then ``pdf()``."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self._ops: list[str] = []
        # the main font's characters (``_Subsets``); a character it lacks is drawn from the first
        # fallback font that has it (``core.pdf.font_for``: its code here is FOREIGN, its font and
        # code in ``_foreign``), else as the main font's missing glyph under its own code (a box that
        # extracts as the character), or, a control character or a lone surrogate, as code 0
        self._main = _Subsets(face())
        self._codes = self._main.codes
        self._fallbacks: dict[str, tuple[int, _Subsets]] = {}  # font name: (its number from 1, its characters)
        self._foreign: dict[str, tuple[int, int]] = {}  # character: (its font's number, its code there)
        self._pictures: dict[bytes, tuple[str, Picture]] = {}
        self._text: list[str] | None = None
        self._text_state: tuple[Any, ...] = ()  # the font, size and colour set in the text; () before any text

    # -- drawing -------------------------------------------------------------------------------------

    def fill_rect(self, x: float, y: float, width: float, height: float, *, color: tuple[float, float, float]) -> None:
        self._end_text()
        self._ops.append(f"q {numbers(*color)} rg n {numbers(x, y, width, height)} re f* Q")

    def lines(self, segments: list[tuple[float, float, float, float]], *, color: tuple[float, float, float],
              width: float) -> None:
        """Straight lines, round capped and joined (a table's rules)."""
        self._end_text()
        ops = [f"q 1 J 1 j {numbers(*color)} RG {numbers(width)} w"]
        ops += [f"n {numbers(x1, y1)} m {numbers(x2, y2)} l S" for x1, y1, x2, y2 in segments]
        ops.append("Q")
        self._ops.append("\n".join(ops))

    def text(self, x: float, baseline: float, text: str, *, size: float, color: tuple[float, float, float]) -> None:
        """A line of text in the page's font starting at (x, baseline)."""
        if self._text is None:
            self._text = ["BT"]
            self._text_state = (None, None, None)
        ops = self._text
        font, font_size, fill = self._text_state
        if fill != color:
            ops.append(f"{numbers(*color)} rg")
        ops.append(f"1 0 0 1 {numbers(x, baseline)} Tm")
        codes = self._codes
        for char in text:
            if char not in codes:
                self._assign(char)
        line = [codes[char] for char in text]
        if line and max(line) < 256:  # all of the first subset (every document of up to ~250 characters)
            if (0, size) != (font, font_size):
                ops.append(f"/F1 {numbers(size)} Tf")
                font, font_size = 0, size
            ops.append(f"<{bytes(line).hex()}> Tj")
            line = []
        # the runs of one font subset each: the main font's subset n is font n, fallback font k's
        # subset n is font (k << 16) + n (``_resource``)
        keyed = [(code >> 8, code & 0xFF) if code != FOREIGN else self._foreign_key(char)
                 for char, code in zip(text, line, strict=False)]
        start = 0
        while start < len(keyed):
            key = keyed[start][0]
            stop = start + 1
            while stop < len(keyed) and keyed[stop][0] == key:
                stop += 1
            if (key, size) != (font, font_size):
                ops.append(f"/{_resource(key)} {numbers(size)} Tf")
                font, font_size = key, size
            ops.append(f"<{bytes(byte for _key, byte in keyed[start:stop]).hex()}> Tj")
            start = stop
        self._text_state = (font, font_size, color)

    def _foreign_key(self, char: str) -> tuple[int, int]:
        number, code = self._foreign[char]
        return (number << 16) + (code >> 8), code & 0xFF

    def _assign(self, char: str) -> None:
        """The code of a character first drawn on the page (``_Subsets.assign``; ``__init__``)."""
        if ord(char) in self._main.face.face.charToGlyph:
            self._main.assign(char)
            return
        from yiwang.core.pdf import FONT, PLACEHOLDER_FONT, font_for

        font = font_for(char)
        if font == PLACEHOLDER_FONT:  # no font has it: the main font's missing glyph, its own code
            self._main.assign(char)
        elif font == FONT:  # a control character, a lone surrogate: code 0, as ReportLab draws it
            self._codes[char] = 0
        else:
            if font not in self._fallbacks:
                self._fallbacks[font] = (len(self._fallbacks) + 1, _Subsets(font_face(font)))
            number, subsets = self._fallbacks[font]
            self._foreign[char] = (number, subsets.assign(char))
            self._codes[char] = FOREIGN

    def picture(self, data: bytes, x: float, y: float, width: float, height: float) -> None:
        """A picture (``picture``) stretched over the box (x, y, width, height)."""
        self._end_text()
        if data not in self._pictures:
            self._pictures[data] = (f"Im{len(self._pictures) + 1}", picture(data))
        name = self._pictures[data][0]
        self._ops.append(f"q 1 0 0 1 {numbers(x, y)} cm q {numbers(width)} 0 0 {numbers(height)} 0 0 cm /{name} Do Q Q")

    def path(self, x: float, y: float, unit: float, path: str) -> None:
        """A filled path in units of ``unit`` points with its origin at (x, y), in black: a
        ``core.pdf.qr_path`` (rectangles of whole modules)."""
        self._end_text()
        body = f"n {path} f* " if path else ""
        self._ops.append(f"q 1 0 0 1 {numbers(x, y)} cm q 0 0 0 rg {numbers(unit)} 0 0 {numbers(unit)} 0 0 cm {body}Q Q")

    def _end_text(self) -> None:
        if self._text is not None:
            self._text.append("ET")
            self._ops.append(" ".join(self._text))
            self._text = None

    # -- writing -------------------------------------------------------------------------------------

    def pdf(self, *, title: str, author: str, subject: str, creator: str, created: dt.datetime) -> bytes:
        """The page as a PDF file, with its information dictionary."""
        self._end_text()
        content = _deflate("\n".join(self._ops).encode("ascii"), CONTENT_ZLIB_LEVEL)
        writer = _Writer()
        catalog, info, pages, page = (writer.reserve() for _ in range(4))
        resources = ["/ProcSet [/PDF /Text /ImageB /ImageC /ImageI]"]
        if self._text_state:  # some text was drawn
            fonts = [f"/F{n + 1} {self._font(writer, self._main.face, n, subset)} 0 R"
                     for n, subset in enumerate(self._main.subsets)]
            tag = len(fonts)  # each subset's tag differs from every other's in the file
            for number, used in self._fallbacks.values():
                for n, subset in enumerate(used.subsets):
                    fonts.append(f"/{_resource((number << 16) + n)} {self._font(writer, used.face, tag, subset)} 0 R")
                    tag += 1
            resources.append(f"/Font << {' '.join(fonts)} >>")
        if self._pictures:
            entries = " ".join(f"/{name} {self._image(writer, image)} 0 R" for name, image in self._pictures.values())
            resources.append(f"/XObject << {entries} >>")
        contents = writer.stream("/Filter /FlateDecode", content)
        writer.put(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
        stamp = created.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'").encode("ascii")
        writer.put(info, b"<< /Title " + _literal(title) + b" /Author " + _literal(author) + b" /Subject "
                   + _literal(subject) + b" /Creator " + _literal(creator) + b" /CreationDate (" + stamp
                   + b") /ModDate (" + stamp + b") >>")
        writer.put(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
        writer.put(page, (f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {numbers(self.width, self.height)}]"
                          f" /Resources << {' '.join(resources)} >> /Contents {contents} 0 R >>").encode("ascii"))
        file_id = hashlib.md5(content + _literal(title), usedforsecurity=False).hexdigest()
        return writer.finish(root=catalog, info=info, file_id=file_id)

    @staticmethod
    def _font(writer: _Writer, font: Face, number: int, subset: list[int]) -> int:
        """One subset's font objects, as ReportLab's ``TTFont.addObjects`` writes them: a simple
        TrueType font of up to 256 codes, its widths, its ``ToUnicode`` CMap, its descriptor and
        the subset's glyphs (``TTFontFile.makeSubset``; a character the font lacks is its glyph 0,
        the missing glyph)."""
        base = f"{_subset_tag(number)}+{font.base_name}"
        glyphs = font.face.makeSubset(subset)
        font_file = writer.stream(f"/Filter /FlateDecode /Length1 {len(glyphs)}", _deflate(glyphs, FONT_ZLIB_LEVEL))
        descriptor = writer.put(writer.reserve(),
                                f"<< {font.descriptor} /FontName /{base} /FontFile2 {font_file} 0 R >>".encode("ascii"))
        to_unicode = writer.stream("/Filter /FlateDecode", _deflate(_to_unicode(subset), CONTENT_ZLIB_LEVEL))
        char_widths, default_width = font.face.charWidths, font.face.defaultWidth  # getCharWidth's lookup
        widths = numbers(*[char_widths.get(point, default_width) for point in subset])
        return writer.put(writer.reserve(), (
            f"<< /Type /Font /Subtype /TrueType /BaseFont /{base} /FirstChar 0 /LastChar {len(subset) - 1}"
            f" /Widths [{widths}] /FontDescriptor {descriptor} 0 R /ToUnicode {to_unicode} 0 R >>").encode("ascii"))

    @staticmethod
    def _image(writer: _Writer, image: Picture) -> int:
        head = f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /BitsPerComponent 8"
        mask = ""
        if image.alpha is not None:
            soft = writer.stream(f"{head} /ColorSpace /DeviceGray /Filter /FlateDecode", image.alpha)
            mask = f" /SMask {soft} 0 R"
        return writer.stream(f"{head} /ColorSpace /DeviceRGB /Filter /FlateDecode{mask}", image.rgb)


def _resource(key: int) -> str:
    """A font subset's resource name: ``F1``, ``F2``, ... the main font's subsets; ``B1F1``, ... fallback
    font 1's (``key`` is the font's number << 16 + the subset's)."""
    font, subset = divmod(key, 1 << 16)
    return f"F{subset + 1}" if not font else f"B{font}F{subset + 1}"


def _subset_tag(number: int) -> str:
    """Six capital letters naming a subset (PDF 32000-1, 9.6.4): AAAAAA, AAAAAB, ... (ReportLab
    names its own another way; the tags only need to differ within a file)."""
    letters = []
    for _ in range(6):
        number, letter = divmod(number, 26)
        letters.append(chr(ord("A") + letter))
    return "".join(reversed(letters))


_CMAP_HEAD = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
              b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
              b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n")
_CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


def _to_unicode(subset: list[int]) -> bytes:
    """A subset's ``ToUnicode`` CMap: each code to its character (UTF-16BE)."""
    entries = [f"<{code:02X}> <{point:04X}>" if point < 0x10000 else
               f"<{code:02X}> <{chr(point).encode('utf-16-be').hex().upper()}>"  # a surrogate pair
               for code, point in enumerate(subset)]
    parts = [_CMAP_HEAD, f"1 begincodespacerange\n<00> <{len(subset) - 1:02X}>\nendcodespacerange\n".encode("ascii")]
    for start in range(0, len(entries), CMAP_RANGE):
        block = entries[start:start + CMAP_RANGE]
        parts.append(f"{len(block)} beginbfchar\n{chr(10).join(block)}\nendbfchar\n".encode("ascii"))
    parts.append(_CMAP_TAIL)
    return b"".join(parts)


class _Writer:
    """The file's objects in order of number, their offsets for the xref table."""

    def __init__(self) -> None:
        self._objects: dict[int, bytes] = {}
        self._next = 1

    def reserve(self) -> int:
        number = self._next
        self._next += 1
        return number

    def put(self, number: int, body: bytes) -> int:
        self._objects[number] = body
        return number

    def stream(self, dictionary: str, data: bytes) -> int:
        head = f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode("ascii")
        return self.put(self.reserve(), head + data + b"\nendstream")

    def finish(self, *, root: int, info: int, file_id: str) -> bytes:
        out = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
        offset = len(out[0])
        offsets = []
        for number in range(1, self._next):
            offsets.append(offset)
            chunk = b"%d 0 obj\n" % number + self._objects[number] + b"\nendobj\n"
            out.append(chunk)
            offset += len(chunk)
        count = self._next
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % count]
        xref += [b"%010d 00000 n \n" % position for position in offsets]
        out += xref
        out.append(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
                   % (count, root, info, file_id.encode("ascii"), file_id.encode("ascii"), offset))
        return b"".join(out)
