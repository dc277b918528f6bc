"""Name badges drawn with reportlab: A4 sheets of 2 × 4 badges, or one badge on its own page.

Each badge is 90 × 60 mm, the insert size of common badge holders, with thin
cut lines. Text uses Bitstream Vera (shipped with reportlab) embedded as a
TrueType subset, so æ, ø and å print on any printer.
"""

import io
from pathlib import Path

import reportlab
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .content import Badge

FONT = "BadgeSans"
FONT_BOLD = "BadgeSans-Bold"
_FONT_FILES = {FONT: "Vera.ttf", FONT_BOLD: "VeraBd.ttf"}

BADGE_W, BADGE_H = 90 * mm, 60 * mm
COLUMNS, ROWS = 2, 4
PAD = 5 * mm
INNER_W = BADGE_W - 2 * PAD
CUT_MARK = 4 * mm

INK = HexColor("#1b2631")
INK_SOFT = HexColor("#4a5866")
BRAND = HexColor("#0b4f6c")
ACCENT = HexColor("#a8491d")
CUT_LINE = HexColor("#b8b2a4")

NAME_MAX, NAME_MIN_ONE_LINE, NAME_MIN = 22, 13, 8
PICK_STEP = 3.3 * mm


def register_fonts() -> None:
    """Register the embedded fonts once per process."""
    folder = Path(reportlab.__file__).parent / "fonts"
    registered = pdfmetrics.getRegisteredFontNames()
    for name, filename in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))


def text_width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def fit_size(text: str, font: str, width: float, largest: float, smallest: float) -> float | None:
    """The largest font size (in half points) at which `text` fits `width`; None if none does."""
    size = largest
    while size >= smallest:
        if text_width(text, font, size) <= width:
            return size
        size -= 0.5
    return None


def ellipsize(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with "…" so that it fits `width`."""
    if text_width(text, font, size) <= width:
        return text
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def split_name(name: str) -> tuple[str, str]:
    """Two lines for a long name: the break between words nearest the middle."""
    words = name.split()
    if len(words) < 2:
        return name, ""
    best = min(
        range(1, len(words)),
        key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
    )
    return " ".join(words[:best]), " ".join(words[best:])


def name_lines(name: str) -> tuple[list[str], float]:
    """The name on one line as large as fits, else on two, else cut: never wider than the badge."""
    size = fit_size(name, FONT_BOLD, INNER_W, NAME_MAX, NAME_MIN_ONE_LINE)
    if size is not None:
        return [name], size
    lines = [line for line in split_name(name) if line]
    size = min(
        fit_size(line, FONT_BOLD, INNER_W, NAME_MAX - 8, NAME_MIN) or NAME_MIN for line in lines
    )
    return [ellipsize(line, FONT_BOLD, size, INNER_W) for line in lines], size


class BadgeDrawer:
    """Draws badges onto a canvas, one at a time, at a given lower-left corner."""

    def __init__(self, canvas: Canvas, *, gathering_title: str):
        self.canvas = canvas
        self.gathering_title = gathering_title

    def draw(self, badge: Badge, x: float, y: float) -> None:
        top = y + BADGE_H
        self._header(badge, x, top)
        self._identity(badge, x, top)
        if badge.guest:
            return
        self.canvas.setStrokeColor(CUT_LINE)
        self.canvas.setLineWidth(0.4)
        self.canvas.line(x + PAD, top - 28 * mm, x + BADGE_W - PAD, top - 28 * mm)
        self._task(badge, x, top, bottom=y + 7 * mm)
        self._code(badge, x, y)

    def _header(self, badge: Badge, x: float, top: float) -> None:
        c = self.canvas
        label_w = 0.0
        if badge.guest:
            label = _("Guest")
            label_w = text_width(label, FONT_BOLD, 8) + 2 * mm
            c.setFillColor(ACCENT)
            c.setFont(FONT_BOLD, 8)
            c.drawRightString(x + BADGE_W - PAD, top - 7 * mm, label)
        c.setFillColor(BRAND)
        c.setFont(FONT, 6.5)
        title = ellipsize(self.gathering_title, FONT, 6.5, INNER_W - label_w)
        c.drawString(x + PAD, top - 7 * mm, title)

    def _identity(self, badge: Badge, x: float, top: float) -> None:
        c = self.canvas
        lines, size = name_lines(badge.name)
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, size)
        baselines = [top - 15.5 * mm] if len(lines) == 1 else [top - 12.3 * mm, top - 17.3 * mm]
        for line, baseline in zip(lines, baselines, strict=False):
            c.drawString(x + PAD, baseline, line)
        if badge.employer:
            c.setFont(FONT, 9)
            c.drawString(x + PAD, top - 21.8 * mm, ellipsize(badge.employer, FONT, 9, INNER_W))
        if badge.years:
            c.setFillColor(INK_SOFT)
            c.setFont(FONT, 8)
            c.drawString(x + PAD, top - 25.5 * mm, ellipsize(badge.years, FONT, 8, INNER_W))

    def _task(self, badge: Badge, x: float, top: float, bottom: float) -> None:
        c = self.canvas
        first = top - 36 * mm
        if badge.task is None:
            c.setFillColor(INK_SOFT)
            c.setFont(FONT, 7)
            c.drawString(x + PAD, top - 32.5 * mm, ellipsize(badge.task_note, FONT, 7, INNER_W))
            return
        c.setFillColor(BRAND)
        c.setFont(FONT_BOLD, 7.5)
        c.drawString(x + PAD, top - 32 * mm, _("Talk to"))
        room = int((first - bottom) // PICK_STEP) + 1
        picks = badge.task if len(badge.task) <= room else badge.task[: room - 1]
        for index, pick in enumerate(picks):
            self._pick_line(pick.name, pick.reason, x + PAD, first - index * PICK_STEP)
        if len(picks) < len(badge.task):
            more = _("+ %(count)s more in the member area") % {
                "count": len(badge.task) - len(picks)
            }
            c.setFillColor(INK_SOFT)
            c.setFont(FONT, 6.5)
            c.drawString(x + PAD, first - len(picks) * PICK_STEP, more)
        if not badge.task:
            c.setFillColor(INK_SOFT)
            c.setFont(FONT, 7)
            c.drawString(x + PAD, first, _("Nobody to suggest this time: say hello to anyone!"))

    def _pick_line(self, name: str, reason: str, x: float, baseline: float) -> None:
        c = self.canvas
        name = ellipsize(name, FONT_BOLD, 7, INNER_W)
        name_w = text_width(name, FONT_BOLD, 7)
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, 7)
        c.drawString(x, baseline, name)
        room = INNER_W - name_w - text_width(" · ", FONT, 6.5)
        if reason and room > 10 * mm:
            c.setFillColor(INK_SOFT)
            c.setFont(FONT, 6.5)
            c.drawString(x + name_w, baseline, " · " + ellipsize(reason, FONT, 6.5, room))

    def _code(self, badge: Badge, x: float, y: float) -> None:
        if not badge.code:
            return
        c = self.canvas
        right = x + BADGE_W - PAD
        c.setFillColor(INK)
        c.setFont(FONT_BOLD, 8)
        c.drawRightString(right, y + 4 * mm, badge.code)
        code_w = text_width(badge.code, FONT_BOLD, 8)
        c.setFillColor(INK_SOFT)
        c.setFont(FONT, 6)
        c.drawRightString(right - code_w - 1.5 * mm, y + 4 * mm, _("Code"))


def _sheet_origin() -> tuple[float, float]:
    """The lower-left corner of the grid of badges, centred on the A4 page."""
    page_w, page_h = A4
    return (page_w - COLUMNS * BADGE_W) / 2, (page_h - ROWS * BADGE_H) / 2


def _cut_lines(canvas: Canvas) -> None:
    """Thin lines around every badge, and marks in the margin where to cut."""
    left, bottom = _sheet_origin()
    right, top = left + COLUMNS * BADGE_W, bottom + ROWS * BADGE_H
    canvas.setStrokeColor(CUT_LINE)
    canvas.setLineWidth(0.3)
    for col in range(COLUMNS + 1):
        cx = left + col * BADGE_W
        canvas.line(cx, bottom, cx, top)
        canvas.line(cx, top + 1 * mm, cx, top + 1 * mm + CUT_MARK)
        canvas.line(cx, bottom - 1 * mm, cx, bottom - 1 * mm - CUT_MARK)
    for row in range(ROWS + 1):
        cy = bottom + row * BADGE_H
        canvas.line(left, cy, right, cy)
        canvas.line(left - 1 * mm, cy, left - 1 * mm - CUT_MARK, cy)
        canvas.line(right + 1 * mm, cy, right + 1 * mm + CUT_MARK, cy)


def _slot(index: int) -> tuple[float, float]:
    """Lower-left corner of badge `index` on its sheet, left to right, top to bottom."""
    left, bottom = _sheet_origin()
    row, col = divmod(index, COLUMNS)
    return left + col * BADGE_W, bottom + (ROWS - 1 - row) * BADGE_H


def _new_canvas(buffer, *, title: str, pagesize) -> Canvas:
    register_fonts()
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(_("Alumni network"))
    canvas.setCreator("reportlab")
    return canvas


def badge_sheets(badges: list[Badge], *, gathering_title: str, title: str) -> bytes:
    """A4 pages of badges, 2 × 4 per page, in the order given (one empty page if none)."""
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, title=title, pagesize=A4)
    drawer = BadgeDrawer(canvas, gathering_title=gathering_title)
    per_page = COLUMNS * ROWS
    for start in range(0, max(len(badges), 1), per_page):
        _cut_lines(canvas)
        for index, badge in enumerate(badges[start : start + per_page]):
            drawer.draw(badge, *_slot(index))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def single_badge(badge: Badge, *, gathering_title: str, title: str) -> bytes:
    """One badge on a page of its own size, for a label printer or a walk-in at the door."""
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, title=title, pagesize=(BADGE_W, BADGE_H))
    BadgeDrawer(canvas, gathering_title=gathering_title).draw(badge, 0, 0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
