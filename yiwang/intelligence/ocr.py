"""Offline OCR of material files (images and the first pages of PDFs).

The engine is RapidOCR (``rapidocr-onnxruntime``: PP-OCRv4 detection and recognition models shipped
inside the wheel, run by onnxruntime on the CPU, no network). It is loaded lazily, once per process,
behind a small interface so that callers and tests never touch it directly:

* ``recognize(image_bytes) -> list[TextLine]`` reads one image (or a PDF's first page);
* ``read_document(data) -> OcrDocument`` reads an image or the first ``max_pages`` pages of a PDF,
  with every cost bounded: decoded pixels, rendered page size, page count and wall time.

Bad input raises ``OcrInputError`` (not an image, too many pixels, encrypted PDF …); a failing
engine raises ``OcrEngineError`` (model missing, exception inside the engine, timeout). Both carry a
stable ``code`` and a message in Chinese, for the finding the clerk reads.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

# Bounds on the work one document may cost (overridable in settings, see ``_setting``).
MAX_PAGES = 3  # PDF pages read; the rest are reported, not read
MAX_SIDE = 2000  # longest side of the image handed to the engine, in pixels
MAX_DECODE_PIXELS = 64_000_000  # larger images are refused before decoding (JPEGs decode scaled)
TIMEOUT_SECONDS = 60.0  # wall time for one document, all pages
PDF_DPI = 200  # rendering resolution, before the MAX_SIDE cap

DEFAULT_ENGINE_OPTIONS: dict[str, Any] = {
    # 'max' bounds the detector's input by its longest side: several times faster on small images
    # than the default 'min' (which upsamples a card photo to 736 px on its *shortest* side).
    "det_limit_type": "max",
    "det_limit_side_len": 960,
    # Keep low-confidence lines: pre-review decides what is unreadable, not the engine.
    "text_score": 0.3,
    # Two threads per inference (one document at a time per worker): 0.80 s a page against 1.24
    # with one on the 2-core machine (docs/benchmarks.md). On a machine saturated by other work one
    # thread does better; set YIWANG_OCR_ENGINE_OPTIONS = {"intra_op_num_threads": 1} there.
    "intra_op_num_threads": min(2, os.cpu_count() or 1),
    "inter_op_num_threads": 1,
}


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, f"YIWANG_OCR_{name}", default)


class OcrError(Exception):
    code = "ocr_error"

    def __init__(self, code: str, message: str, **details: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class OcrInputError(OcrError):
    """The file cannot be read as a document (not an image, too large, encrypted …)."""


class OcrEngineError(OcrError):
    """The engine failed: missing model, exception inside it, or timeout."""


@dataclass(frozen=True)
class TextLine:
    """One line of recognised text, with the engine's confidence (0..1) and its box in page
    pixels: four (x, y) corners, clockwise from top left."""

    text: str
    confidence: float
    box: tuple[tuple[float, float], ...] = ()

    @property
    def left(self) -> float:
        return min(p[0] for p in self.box) if self.box else 0.0

    @property
    def right(self) -> float:
        return max(p[0] for p in self.box) if self.box else 0.0

    @property
    def top(self) -> float:
        return min(p[1] for p in self.box) if self.box else 0.0

    @property
    def bottom(self) -> float:
        return max(p[1] for p in self.box) if self.box else 0.0

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class OcrPage:
    index: int  # 0-based page number in the file
    width: int
    height: int
    lines: list[TextLine]
    scale: float = 1.0  # engine pixels / source pixels (below 1 when the page was downscaled)
    seconds: float = 0.0


@dataclass
class OcrDocument:
    kind: str  # "image" or "pdf"
    pages: list[OcrPage]
    total_pages: int
    source_pixels: int = 0  # width × height of the original image (first page for PDFs)
    engine: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total_pages > len(self.pages)

    @property
    def lines(self) -> list[TextLine]:
        return [line for page in self.pages for line in page.lines]


class Engine(Protocol):
    name: str

    def __call__(self, image: Any) -> list[TextLine]:  # image: RGB numpy array (H, W, 3)
        ...


class RapidOcrEngine:
    """RapidOCR with the models from its wheel."""

    def __init__(self, **options: Any):
        try:
            from rapidocr_onnxruntime import RapidOCR
        except Exception as exc:  # ImportError, or onnxruntime failing to load its library
            raise OcrEngineError("engine_unavailable", f"OCR 引擎不可用：{exc}") from exc
        import importlib.metadata

        self.options = {**DEFAULT_ENGINE_OPTIONS, **options}
        try:
            self._ocr = RapidOCR(**self.options)
        except Exception as exc:  # a model file missing or corrupt
            raise OcrEngineError("engine_unavailable", f"OCR 模型无法加载：{exc}") from exc
        version = importlib.metadata.version("rapidocr-onnxruntime")
        self.name = f"rapidocr-onnxruntime {version} (PP-OCRv4, det {self.options['det_limit_type']}" \
                    f" {self.options['det_limit_side_len']})"

    def __call__(self, image: Any) -> list[TextLine]:
        # RapidOCR's loader treats a 3-channel array as BGR (OpenCV's order).
        bgr = image[:, :, ::-1].copy()
        result, _elapsed = self._ocr(bgr, use_cls=True)
        lines: list[TextLine] = []
        for box, text, score in result or []:
            lines.append(TextLine(
                text=str(text),
                confidence=round(float(score), 4),
                box=tuple((round(float(x), 1), round(float(y), 1)) for x, y in box),
            ))
        return lines


_engine: Engine | None = None
_engine_lock = threading.Lock()  # guards creation of the engine
_work_lock = threading.Lock()  # one document at a time per process (pdfium is not thread-safe)


def get_engine() -> Engine:
    """The process's engine, created on first use."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = RapidOcrEngine(**_setting("ENGINE_OPTIONS", {}))
    return _engine


# ---------------------------------------------------------------------------------------------
# Loading: bytes → bounded RGB pages


def sniff(data: bytes) -> str | None:
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _to_rgb(img: Any) -> Any:
    from PIL import Image

    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        return img.point(lambda v: v / 256).convert("L").convert("RGB")
    return img.convert("RGB")


def _fit(img: Any, max_side: int) -> tuple[Any, float]:
    from PIL import Image

    w, h = img.size
    longest = max(w, h)
    if longest <= max_side:
        return img, 1.0
    scale = max_side / longest
    return img.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS), scale


def load_image(data: bytes, *, max_side: int | None = None, max_pixels: int | None = None) -> tuple[Any, int, float]:
    """Decode an image, bounded: returns (RGB image with longest side ≤ max_side, source pixels,
    scale). JPEGs are decoded at a reduced scale straight away (DCT scaling), so a 50-megapixel
    photo costs little; other formats larger than ``max_pixels`` are refused before decoding."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_side = max_side or _setting("MAX_SIDE", MAX_SIDE)
    max_pixels = max_pixels or _setting("MAX_DECODE_PIXELS", MAX_DECODE_PIXELS)
    try:
        img: Image.Image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise OcrInputError("not_an_image", "文件不是可识别的图片或 PDF，无法预审。", error=str(exc)) from exc
    except Image.DecompressionBombError as exc:  # Pillow's own guard, at twice its warning size
        raise OcrInputError("image_too_large", f"图片像素过多，超出预审上限 {max_pixels / 1e6:.0f} 百万像素，"
                            "请压缩后重新上传。", error=str(exc)) from exc
    w, h = img.size
    source_pixels = w * h
    if w < 1 or h < 1:
        raise OcrInputError("not_an_image", "图片尺寸为零，无法预审。")
    if img.format == "JPEG" and max(w, h) > max_side:
        img.draft("RGB", (max_side, max_side))  # decode at 1/2, 1/4 or 1/8 scale
    dw, dh = img.size
    if dw * dh > max_pixels:
        raise OcrInputError(
            "image_too_large",
            f"图片为 {w}×{h} 像素（约 {source_pixels / 1e6:.0f} 百万像素），超出预审上限"
            f" {max_pixels / 1e6:.0f} 百万像素，请压缩后重新上传。",
            width=w, height=h,
        )
    try:
        img.load()
        img = ImageOps.exif_transpose(img) or img
        img = _to_rgb(img)
    except Image.DecompressionBombError as exc:
        raise OcrInputError("image_too_large", f"图片像素过多，超出预审上限 {max_pixels / 1e6:.0f} 百万像素，"
                            "请压缩后重新上传。", error=str(exc)) from exc
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data
        raise OcrInputError("not_an_image", "图片文件已损坏或不完整，无法预审。", error=str(exc)) from exc
    img, _scale = _fit(img, max_side)
    return img, source_pixels, img.size[0] / w


def _render_pdf(data: bytes, *, max_pages: int, max_side: int) -> tuple[list[tuple[int, Any, float]], int, int]:
    """Render the first ``max_pages`` pages: [(index, RGB image, scale)], total pages, first page's
    pixels at the nominal DPI."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = "PDF 已加密，无法预审，请上传未加密的文件。" if "password" in str(exc).lower() \
            else "PDF 文件已损坏或无法解析，无法预审。"
        raise OcrInputError("pdf_unreadable", message, error=str(exc)) from exc
    try:
        total = len(pdf)
        pages: list[tuple[int, Any, float]] = []
        first_pixels = 0
        dpi = _setting("PDF_DPI", PDF_DPI)
        for index in range(min(total, max_pages)):
            page = pdf[index]
            try:
                width_pt, height_pt = page.get_size()
                longest_pt = max(width_pt, height_pt, 1.0)
                scale = min(dpi / 72, max_side / longest_pt)
                if index == 0:
                    first_pixels = int(width_pt * dpi / 72) * int(height_pt * dpi / 72)
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil().convert("RGB")
                pages.append((index, image, scale * 72 / dpi))
            finally:
                page.close()
        return pages, total, first_pixels
    finally:
        pdf.close()


def _run_with_timeout(fn: Callable[[], Any], timeout: float) -> Any:
    """Run ``fn`` in a daemon thread and wait at most ``timeout`` seconds. A call that overruns is
    abandoned (its work is bounded, so it ends by itself) and reported as a timeout."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="yiwang-ocr", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise OcrEngineError("timeout", f"文字识别超过 {timeout:.0f} 秒未完成，已放弃。")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def read_document(
    data: bytes,
    *,
    max_pages: int | None = None,
    timeout: float | None = None,
    engine: Engine | None = None,
) -> OcrDocument:
    """OCR an image or the first ``max_pages`` pages of a PDF, within ``timeout`` seconds."""
    max_pages = max_pages or _setting("MAX_PAGES", MAX_PAGES)
    timeout = timeout or _setting("TIMEOUT_SECONDS", TIMEOUT_SECONDS)
    max_side = _setting("MAX_SIDE", MAX_SIDE)
    kind = sniff(data)
    if kind is None:
        raise OcrInputError("not_an_image", "文件不是可识别的图片或 PDF，无法预审。")

    def work() -> OcrDocument:
        import numpy as np

        started = time.perf_counter()
        if not _work_lock.acquire(timeout=timeout):
            raise OcrEngineError("busy", "文字识别引擎忙（上一份文件仍在识别），请稍后重试。")
        try:
            if kind == "pdf":
                rendered, total, source_pixels = _render_pdf(data, max_pages=max_pages, max_side=max_side)
            else:
                image, source_pixels, scale = load_image(data, max_side=max_side)
                rendered, total = [(0, image, scale)], 1
            eng = engine or get_engine()
            pages = []
            for index, image, scale in rendered:
                t0 = time.perf_counter()
                try:
                    lines = eng(np.asarray(image))
                except OcrError:
                    raise
                except Exception as exc:
                    raise OcrEngineError("engine_failed", f"文字识别引擎出错：{type(exc).__name__}: {exc}") from exc
                pages.append(OcrPage(index=index, width=image.size[0], height=image.size[1], lines=lines,
                                     scale=scale, seconds=time.perf_counter() - t0))
            return OcrDocument(kind="pdf" if kind == "pdf" else "image", pages=pages, total_pages=total,
                               source_pixels=source_pixels, engine=getattr(eng, "name", type(eng).__name__),
                               seconds=time.perf_counter() - started)
        finally:
            _work_lock.release()

    return _run_with_timeout(work, timeout)


def recognize(image_bytes: bytes, *, engine: Engine | None = None) -> list[TextLine]:
    """The text lines of one image (or of a PDF's first page)."""
    return read_document(image_bytes, max_pages=1, engine=engine).lines
