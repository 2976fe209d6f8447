"""The 通报 document: title, period, the bureau's own text, the ranking, the schools behind target, the 整改
list and the member units' and social organisations' section (each one's items and their state); written as
DOCX (python-docx) and PDF (ReportLab), published to the schools it names.

The ranking is plans/report.py's (`report_lines`, `rank_lines`), so the document ranks as the screen and the XLSX
do; the shortfalls are `metrics.shortfalls`, task by task. A document is built in Chinese whatever the
reader's language (as the exports' headers are: it is what the bureau publishes). Until it is published it
follows the live figures; publishing freezes its content, so every copy of a published 通报 says the same.
"""

import io
from html import escape
from html.parser import HTMLParser

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from core import audit
from people.scope import districts_for, managed_schools_for

from . import metrics
from .dashboard import Filters, add_staff
from .models import Bulletin, LedgerItem, LedgerState
from .planning import plan_for
from .reminders import announce_bulletin
from .report import (
    PUBLISHED_TOTAL,
    RANK_RULE,
    cells,
    published_ranked_headers,
    ranked_cells,
    report_lines,
    shown_columns,
)

DOCUMENT_LANGUAGE = "zh-hans"
# The document's table: the main columns of the screen (they fit a landscape A4 page).
COLUMNS = shown_columns("compact")


def visible_bulletins(user) -> QuerySet:
    """What a user may read (people.scope): every 通报 of the districts she audits, and the published ones that
    name a school she runs."""
    named = Bulletin.objects.filter(published_at__isnull=False, schools__in=managed_schools_for(user)).values("pk")
    return Bulletin.objects.filter(Q(district__in=districts_for(user)) | Q(pk__in=named))


def may_edit(user, bulletin: Bulletin) -> bool:
    return districts_for(user).filter(pk=bulletin.district_id).exists()


def build_content(bulletin: Bulletin) -> dict:
    """The document's parts from the live figures and ledger, as plain data (what publishing freezes)."""
    start_year = bulletin.school_year.start_year
    plan = plan_for(bulletin.district_id, start_year)
    with translation.override(DOCUMENT_LANGUAGE):
        lines, total = report_lines(bulletin.district_id, Filters(start_year, bulletin.period), plan)
        # The 师资 tasks (trained teachers, 法治副校长) are measured from the records, not the roll-up: without
        # them a school short of trained teachers was missing from the schools behind target.
        add_staff(lines, plan, start_year, bulletin.period)
        headers = published_ranked_headers()
        total_cells = [None, PUBLISHED_TOTAL, *cells(total)[1:]]
        behind = []
        for line in lines:
            gaps = metrics.shortfalls(line.figures, plan, start_year)
            if gaps:
                behind.append(
                    {
                        "school_id": line.key["school_id"],
                        "school": line.name,
                        "gaps": [
                            {"task": gap.task.title, "value": _one(gap.value), "target": _one(gap.target)}
                            for gap in gaps
                        ],
                    }
                )
        returned = (
            LedgerItem.objects.filter(
                school__district_id=bulletin.district_id, school_year=bulletin.school_year, state=LedgerState.RETURNED
            )
            .select_related("school", "task")
            .order_by("due_on", "school__code", "task__order")
        )
        rectification = [
            {
                "school_id": item.school_id,
                "school": item.school.name,
                "task": item.task.title,
                "due_on": item.due_on.isoformat() if item.due_on else "",
            }
            for item in returned
        ]
        units = _units_section(bulletin)
        return {
            "units": units,
            "headers": [str(headers[i]) for i in COLUMNS],
            "ranking": [[ranked_cells(line)[i] for i in COLUMNS] for line in lines],
            "total": [total_cells[i] for i in COLUMNS],
            "rank_rule": str(RANK_RULE),
            "formula": metrics.plan_formula(plan),
            "behind": behind,
            "rectification": rectification,
        }


def _units_section(bulletin: Bulletin) -> list[dict]:
    """Each organisation of the district with items this year: its items, their state and due day (in the
    document's language, as the rest of build_content)."""
    items = (
        LedgerItem.objects.filter(organisation__district_id=bulletin.district_id, school_year=bulletin.school_year)
        .select_related("organisation", "task")
        .order_by("organisation__kind", "organisation__name", "task__order", "task_id")
    )
    units: dict[int, dict] = {}
    for item in items:
        unit = units.setdefault(
            item.organisation_id,
            {"name": item.organisation.name, "kind": str(item.organisation.get_kind_display()), "items": []},
        )
        unit["items"].append(
            {
                "task": item.task.title,
                "state": str(item.get_state_display()),
                "due_on": item.due_on.isoformat() if item.due_on else "",
            }
        )
    return list(units.values())


def _one(value):
    return None if value is None else round(value, 1)


def content_of(bulletin: Bulletin) -> dict:
    return bulletin.content if bulletin.is_published else build_content(bulletin)


def publish(bulletin: Bulletin, user, request=None) -> Bulletin:
    """Freeze the document and name its schools: those behind a target and those with a 整改 item."""
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.is_published:
            return locked
        locked.content = build_content(locked)
        locked.published_at = timezone.now()
        locked.published_by = user
        locked.save(update_fields=["content", "published_at", "published_by"])
        named = {entry["school_id"] for entry in locked.content["behind"]}
        named |= {entry["school_id"] for entry in locked.content["rectification"]}
        locked.schools.set(named)
        audit.record(
            "plans.bulletin_publish",
            request=request,
            actor=user,
            target=locked.title,
            district_id=locked.district_id,
            bulletin=locked.pk,
            schools=len(named),
        )
        # In the same transaction: the named schools are told if and only if the publication stands.
        announce_bulletin(locked)
    return locked


# --- the bureau's text: sanitised HTML → paragraphs --------------------------------------------------------------

BLOCKS = {"p", "li", "blockquote"}


class _Paragraphs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []

    def _end(self):
        text = "".join(self.current).strip()
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self._end()
        elif tag == "br":
            self.current.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._end()

    def handle_data(self, data):
        self.current.append(data)


def body_paragraphs(html: str) -> list[str]:
    """The bureau's text (already cleaned by core.sanitize) as plain paragraphs for DOCX and PDF."""
    parser = _Paragraphs()
    parser.feed(html or "")
    parser.close()
    parser._end()
    return parser.paragraphs


def _cell(value) -> str:
    return "—" if value is None else str(value)


def _parts(bulletin: Bulletin) -> dict:
    content = content_of(bulletin)
    with translation.override(DOCUMENT_LANGUAGE):
        from django.utils.translation import gettext as _

        return {
            "content": content,
            "period": _("Period: %(period)s") % {"period": bulletin.period_label},
            "ranking": _("Ranking"),
            "behind": _("Schools behind this year's targets"),
            "none_behind": _("No school is behind a target."),
            "gap": _("%(task)s: %(value)s against a target of %(target)s"),
            "rectification": _("Items returned for rectification"),
            "none_returned": _("No item is waiting for rectification."),
            "due": _("rectify by %(day)s"),
            "units": _("Member units and social organisations"),
            "none_units": _("No task of this year is given to a member unit or social organisation."),
            "unit_due": _("due %(day)s"),
            "published": (
                _("Published %(when)s") % {"when": timezone.localtime(bulletin.published_at).strftime("%Y-%m-%d")}
                if bulletin.is_published
                else _("Draft, not published: the figures are today's.")
            ),
        }


def _gap_lines(parts) -> list[str]:
    out = []
    for entry in parts["content"]["behind"]:
        gaps = "；".join(parts["gap"] % {**gap, "value": _cell(gap["value"])} for gap in entry["gaps"])
        out.append(f"{entry['school']}：{gaps}")
    return out


def _unit_lines(parts) -> list[str]:
    # A 通报 published before organisations carried items has no such section: it reads as none.
    lines = []
    for unit in parts["content"].get("units", []):
        entries = "；".join(
            f"{entry['task']}（{entry['state']}"
            + (f"，{parts['unit_due'] % {'day': entry['due_on']}}" if entry["due_on"] else "")
            + "）"
            for entry in unit["items"]
        )
        lines.append(f"{unit['name']}（{unit['kind']}）：{entries}")
    return lines


def _rectification_lines(parts) -> list[str]:
    lines = []
    for entry in parts["content"]["rectification"]:
        due = f"（{parts['due'] % {'day': entry['due_on']}}）" if entry["due_on"] else ""
        lines.append(f"{entry['school']}：{entry['task']}{due}")
    return lines


def write_docx(bulletin: Bulletin) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    parts = _parts(bulletin)
    content = parts["content"]
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(bulletin.title, level=0)
    document.add_paragraph(parts["period"])
    document.add_paragraph(parts["published"])
    for paragraph in body_paragraphs(bulletin.body):
        document.add_paragraph(paragraph)
    document.add_heading(parts["ranking"], level=1)
    rows = [content["headers"], *content["ranking"], content["total"]]
    table = document.add_table(rows=len(rows), cols=len(content["headers"]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = "" if (r == len(rows) - 1 and c == 0 and value is None) else _cell(value)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    document.add_paragraph(content["rank_rule"])
    if content["formula"]:
        document.add_paragraph(content["formula"])
    document.add_heading(parts["behind"], level=1)
    for line in _gap_lines(parts) or [parts["none_behind"]]:
        document.add_paragraph(line, style="List Bullet" if content["behind"] else None)
    document.add_heading(parts["rectification"], level=1)
    for line in _rectification_lines(parts) or [parts["none_returned"]]:
        document.add_paragraph(line, style="List Bullet" if content["rectification"] else None)
    document.add_heading(parts["units"], level=1)
    unit_lines = _unit_lines(parts)
    for line in unit_lines or [parts["none_units"]]:
        document.add_paragraph(line, style="List Bullet" if unit_lines else None)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF_FONT = "STSong-Light"  # one of ReportLab's built-in CID fonts: Chinese without shipping a font file


def write_pdf(bulletin: Bulletin) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    parts = _parts(bulletin)
    content = parts["content"]
    text = ParagraphStyle("text", fontName=PDF_FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    title = ParagraphStyle("title", parent=text, fontSize=18, leading=24, alignment=1, spaceAfter=8)
    heading = ParagraphStyle("heading", parent=text, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
    small = ParagraphStyle("small", parent=text, fontSize=8.5, leading=11)

    def para(value, style=text):
        # Paragraph reads a small markup: the text is escaped, so the bureau's words stay words.
        return Paragraph(escape(value, quote=False).replace("\n", "<br/>"), style)

    story = [para(bulletin.title, title), para(parts["period"]), para(parts["published"]), Spacer(1, 6)]
    story += [para(paragraph) for paragraph in body_paragraphs(bulletin.body)]
    story.append(para(parts["ranking"], heading))
    rows = [content["headers"], *content["ranking"], content["total"]]
    data = [[para(_cell(value), small) for value in row] for row in rows]
    data[-1][0] = para("", small)  # the total line has no rank
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [table, Spacer(1, 4), para(content["rank_rule"], small)]
    if content["formula"]:
        story.append(para(content["formula"], small))
    story.append(para(parts["behind"], heading))
    story += [para("• " + line) for line in _gap_lines(parts)] or [para(parts["none_behind"])]
    story.append(para(parts["rectification"], heading))
    story += [para("• " + line) for line in _rectification_lines(parts)] or [para(parts["none_returned"])]
    story.append(para(parts["units"], heading))
    story += [para("• " + line) for line in _unit_lines(parts)] or [para(parts["none_units"])]
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm, title=bulletin.title
    ).build(story)
    return out.getvalue()
