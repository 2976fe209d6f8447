"""A tiny DOCX writer for the lesson plans (教案): headings, paragraphs and simple tables, nothing more.

A DOCX file is a zip of three XML parts at minimum; writing them directly avoids a dependency for seed data.
"""

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _run(text: str, bold: bool = False, size: int = 24) -> str:
    props = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/><w:rFonts w:eastAsia="宋体"/></w:rPr>'
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


@dataclass(frozen=True)
class Table:
    """A bordered table; the first row is the header and prints bold."""

    rows: list[list[str]]


def _cell(text: str, bold: bool) -> str:
    return f"<w:tc><w:p>{_run(text, bold=bold, size=22)}</w:p></w:tc>"


def _table(table: Table) -> str:
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    props = f'<w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>'
    rows = "".join(
        "<w:tr>" + "".join(_cell(text, bold=index == 0) for text in row) + "</w:tr>"
        for index, row in enumerate(table.rows)
    )
    return f"<w:tbl>{props}{rows}</w:tbl>"


def build_docx(title: str, sections: list[tuple[str, list]]) -> bytes:
    """A document with a title, then for each section a bold heading and its paragraphs (strings) or tables."""
    body = [f"<w:p>{_run(title, bold=True, size=36)}</w:p>"]
    for heading, parts in sections:
        body.append(f"<w:p>{_run(heading, bold=True, size=28)}</w:p>")
        for part in parts:
            body.append(_table(part) if isinstance(part, Table) else f"<w:p>{_run(part)}</w:p>")
        body.append("<w:p/>")
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>'
        + "".join(body)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed timestamp keeps the file identical between seeding runs.
        for name, data in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
