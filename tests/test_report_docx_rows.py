"""The Word report writes its table rows as XML in one step: the same XML python-docx's calls write
cell by cell, whatever the text holds (markup characters, tabs, line breaks, edge spaces)."""

from __future__ import annotations

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

from commitments.progress_report.document import Row, Table
from commitments.progress_report.docx import table_row

TEXTS = [
    "1.2.3",
    "R&D <pilot> \"labs\" 'here'",
    " edge spaces ",
    "tab\there",
    "two\nlines\r\nthree",
    "中文；全角",
]
BLOCK = Table(
    "annex",
    "",
    ["Code", "Text", "Edges", "Tab", "Breaks", "中文"],
    [Row(TEXTS), Row(["Group & more"], "group"), Row(["Total", "1", "2", "3", "4", "5"], "total")],
    [16, 60, 40, 40, 50, 51],
    {1, 5},
)


def written_by_python_docx(style_id: str) -> list[bytes]:
    """The rows as python-docx's own calls write them: a cell, a paragraph, a run, a property at a time."""
    document = Document()
    table = document.add_table(rows=1, cols=len(BLOCK.headers))
    for column, width in zip(table.columns, BLOCK.widths, strict=True):
        column.width = Mm(width)

    def fill(cells, texts, *, bold=False, size=None, fill=None, widths=BLOCK.widths):
        for index, (cell, text) in enumerate(zip(cells, texts, strict=False)):
            cell.width = Mm(widths[index])
            paragraph = cell.paragraphs[0]
            paragraph._p.style = style_id
            if index in BLOCK.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(str(text))
            run.bold = bold
            if size:
                run.font.size = Pt(size)
            if fill:
                shading = OxmlElement("w:shd")
                for name, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
                    shading.set(qn(name), value)
                cell._tc.get_or_add_tcPr().append(shading)

    def cant_split(row, repeat=False):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if repeat:
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            properties.append(header)

    cant_split(table.rows[0], repeat=True)
    fill(table.rows[0].cells, BLOCK.headers, bold=True, size=8, fill="E8ECF1")
    for row in BLOCK.rows:
        added = table.add_row()
        cant_split(added)
        if row.kind == "group":
            merged = added.cells[0].merge(added.cells[-1])
            fill([merged], row.cells, bold=True, fill="F4F6F8", widths=[sum(BLOCK.widths)])
        else:
            fill(added.cells, row.cells, bold=row.kind == "total")
    return [etree.tostring(tr, method="c14n", exclusive=True) for tr in table._tbl.tr_lst]


def written_in_one_step(style_id: str) -> list[bytes]:
    rows = [
        table_row(BLOCK, BLOCK.headers, style_id, header=True, bold=True, size=8, fill="E8ECF1"),
        table_row(BLOCK, BLOCK.rows[0].cells, style_id),
        table_row(BLOCK, BLOCK.rows[1].cells, style_id, bold=True, fill="F4F6F8", span=len(BLOCK.widths)),
        table_row(BLOCK, BLOCK.rows[2].cells, style_id, bold=True),
    ]
    table = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")
    return [etree.tostring(tr, method="c14n", exclusive=True) for tr in table.tr_lst]


def test_table_rows_are_the_xml_python_docx_writes_cell_by_cell():
    style_id = Document().styles.add_style("Table text", WD_STYLE_TYPE.PARAGRAPH).style_id
    assert written_in_one_step(style_id) == written_by_python_docx(style_id)


def test_the_texts_read_back_as_they_were_given():
    table = parse_xml(f"<w:tbl {nsdecls('w')}>{table_row(BLOCK, TEXTS, 'Tabletext')}</w:tbl>")
    document = Document()
    document.element.body.append(table)
    cells = [cell.text for cell in document.tables[0].rows[0].cells]
    assert cells == [text.replace("\r\n", "\n\n") for text in TEXTS]
