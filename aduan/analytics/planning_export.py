"""The planning evidence (``planning.planning_evidence``) as documents for budget meetings:
a PDF report (fpdf2) and an XLSX workbook (openpyxl, write-only so memory stays flat).

Both take the evidence dict and nothing else, so they show exactly what the page shows and
inherit its privacy: no reporter field ever reaches them, titles are already redacted.

Fonts: fpdf2's core Helvetica is latin-1 only. A DejaVu Sans TTF (Debian ``fonts-dejavu-core``)
is used when found, so every Indonesian name prints as written; without it each character
outside latin-1 is transliterated or replaced, never a crash.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .planning import method_notes

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",  # Alpine, Arch
    "/usr/share/fonts/TTF",
)
_LATIN1_FALLBACK = str.maketrans({
    "\u2014": "-", "\u2013": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2026": "...", "\u2022": "*", "\u00a0": " ", "\u2264": "<=", "\u2265": ">=", "\u00f7": "/",
})
BAR_NOW = (31, 94, 160)
BAR_BEFORE = (170, 190, 215)


def _fmt_int(value) -> str:
    return formats.number_format(int(value or 0), 0, use_l10n=True, force_grouping=True)


def _fmt_dec(value, places: int = 1) -> str:
    return "—" if value is None else formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _fmt_change(row: dict) -> str:
    sign = "+" if row["change"] > 0 else ""
    pct = "" if row["change_pct"] is None else f" ({sign}{_fmt_dec(row['change_pct'])} %)"
    return f"{sign}{_fmt_int(row['change'])}{pct}"


def _fmt_money(value) -> str:
    return "—" if value is None else "Rp " + formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def _fmt_day(day) -> str:
    return formats.date_format(day, "j F Y")


def period_label(evidence: dict) -> str:
    return f"{_fmt_day(evidence['period']['from'])} – {_fmt_day(evidence['period']['to'])}"


def previous_label(evidence: dict) -> str:
    return f"{_fmt_day(evidence['previous']['from'])} – {_fmt_day(evidence['previous']['to'])}"


def file_name(evidence: dict, extension: str) -> str:
    p = evidence["period"]
    return f"bukti-perencanaan-{evidence['region']['code']}-{p['from']:%Y%m%d}-{p['to']:%Y%m%d}.{extension}"


# --- PDF -----------------------------------------------------------------------------------

def _font_files() -> tuple[Path, Path] | None:
    dirs = [getattr(settings, "ADUAN_PDF_FONT_DIR", None), *FONT_DIRS]
    for folder in filter(None, dirs):
        regular, bold = Path(folder) / "DejaVuSans.ttf", Path(folder) / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def latin1_text(text: str) -> str:
    """What the core font can print: typographic marks mapped, accents dropped where that
    gives a latin-1 letter, anything else a '?'."""
    text = str(text).translate(_LATIN1_FALLBACK)
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


class _Pdf:
    """A thin wrapper: one place that knows the font and cleans every string."""

    def __init__(self, title: str):
        from fpdf import FPDF

        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_margins(15, 15, 15)
        files = _font_files()
        if files:
            self.pdf.add_font("DejaVu", "", str(files[0]))
            self.pdf.add_font("DejaVu", "B", str(files[1]))
            self.family, self.unicode = "DejaVu", True
        else:
            self.family, self.unicode = "Helvetica", False
        self._header: tuple | None = None
        self.pdf.set_title(self.t(title))
        self.pdf.set_author("Aduan")
        self.pdf.set_creator("Aduan")
        self.pdf.add_page()

    def t(self, text) -> str:
        text = "" if text is None else str(text)
        return text if self.unicode else latin1_text(text)

    def font(self, size: float = 9, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)

    @property
    def width(self) -> float:
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def heading(self, text: str, size: float = 12) -> None:
        self.pdf.ln(3)
        self.font(size, bold=True)
        self.pdf.multi_cell(self.width, 6, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.font()

    def paragraph(self, text: str, size: float = 9) -> None:
        self.font(size)
        self.pdf.multi_cell(self.width, 4.8, self.t(text), new_x="LMARGIN", new_y="NEXT", align="L")

    LINE = 4.4
    HEAD_FILL = (225, 230, 238)

    def _fit(self, text: str, width: float) -> str:
        """One line that fits ``width``: the text, or its start and an ellipsis."""
        if self.pdf.get_string_width(text) <= width:
            return text
        dots = "…" if self.unicode else "..."
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits with the ellipsis
            mid = (low + high + 1) // 2
            if self.pdf.get_string_width(text[:mid] + dots) <= width:
                low = mid
            else:
                high = mid - 1
        return text[:low] + dots

    def _row(self, values: list[str], widths: tuple, align: tuple, wrap: set[int], *, head: bool = False) -> None:
        pdf, pad = self.pdf, 1.0
        self.font(8, bold=head)
        cells = [self.t(v) for v in values]
        lines = []
        for i, (text, width) in enumerate(zip(cells, widths, strict=True)):
            if (head or i in wrap) and pdf.get_string_width(text) > width - 2 * pad:
                lines.append(pdf.multi_cell(width - 2 * pad, self.LINE, text, dry_run=True, output="LINES"))
            else:
                lines.append([text if head or i in wrap else self._fit(text, width - 2 * pad)])
        height = max(len(item) for item in lines) * self.LINE + 1
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if not head and self._header is not None:
                self._row(*self._header, head=True)
                self.font(8)
        x, y = pdf.l_margin, pdf.get_y()
        if head:
            pdf.set_fill_color(*self.HEAD_FILL)
        for item, width, where in zip(lines, widths, align, strict=True):
            pdf.rect(x, y, width, height, style="DF" if head else "D")
            for n, line in enumerate(item):
                pdf.set_xy(x + pad, y + 0.5 + n * self.LINE)
                pdf.cell(width - 2 * pad, self.LINE, line, align="R" if where == "RIGHT" else "L")
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    def table(self, header: list[str], rows: list[list], widths: tuple, align: tuple | None = None,
              wrap: tuple[int, ...] = ()) -> None:
        """A plain grid drawn with ``cell``: one line per cell (cut with an ellipsis) except the
        ``wrap`` columns, and the header repeated on each new page. fpdf2's ``table()`` lays out
        every cell with full line breaking, ten times slower on a province's hundreds of rows."""
        align = align or ("LEFT",) * len(widths)
        self.pdf.set_draw_color(150, 150, 150)
        self._header = (header, widths, align, set(range(len(widths))))
        self._row(*self._header, head=True)
        self.font(8)
        for values in rows:
            self._row([("" if v is None else str(v)) for v in values], widths, align, set(wrap))
        self._header = None
        self.font()

    def bar_chart(self, title: str, items: list[tuple[str, int, int]], legend: tuple[str, str]) -> None:
        """Horizontal bars, this period and the previous one, drawn with fpdf rectangles."""
        pdf = self.pdf
        label_w, value_w, bar_h = 62, 16, 3.2
        bar_w = self.width - label_w - value_w
        needed = 14 + len(items) * (2 * bar_h + 2.2)
        if pdf.get_y() + needed > pdf.h - pdf.b_margin:
            pdf.add_page()
        self.heading(title, 11)
        top = max((max(now, before) for _, now, before in items), default=0) or 1
        x0 = pdf.l_margin
        y = pdf.get_y() + 1
        self.font(7.5)
        for colour, text, dx in ((BAR_NOW, legend[0], 0), (BAR_BEFORE, legend[1], 60)):
            pdf.set_fill_color(*colour)
            pdf.rect(x0 + label_w + dx, y, 4, 3, style="F")
            pdf.set_xy(x0 + label_w + dx + 5, y - 0.5)
            pdf.cell(54, 4, self.t(text))
        y += 6
        y_start = y
        for label, now, before in items:
            pdf.set_xy(x0, y)
            text = self.t(label)
            while text and pdf.get_string_width(text) > label_w - 2:
                text = text[:-2] + "…" if self.unicode else text[:-4] + "..."
            pdf.cell(label_w, 2 * bar_h, text)
            for value, colour, offset in ((now, BAR_NOW, 0), (before, BAR_BEFORE, bar_h)):
                pdf.set_fill_color(*colour)
                length = bar_w * value / top
                if length > 0:
                    pdf.rect(x0 + label_w, y + offset, length, bar_h - 0.4, style="F")
                pdf.set_xy(x0 + label_w + length + 1, y + offset - 0.4)
                pdf.cell(value_w, bar_h, _fmt_int(value))
            y += 2 * bar_h + 2.2
        pdf.set_draw_color(120, 120, 120)
        pdf.line(x0 + label_w, y_start - 0.5, x0 + label_w, y - 1.5)
        pdf.set_xy(x0, y + 1)
        self.font()

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def planning_pdf(evidence: dict) -> bytes:
    region, totals = evidence["region"], evidence["totals"]
    title = _("Bukti perencanaan anggaran (APBD)")
    doc = _Pdf(f"{title} — {region['name']}")
    pdf = doc.pdf
    doc.font(16, bold=True)
    pdf.multi_cell(doc.width, 8, doc.t(title), new_x="LMARGIN", new_y="NEXT")
    doc.font(13, bold=True)
    pdf.multi_cell(doc.width, 7, doc.t(f"{region['name']} ({region['code']}) · {region['level_label']}"),
                   new_x="LMARGIN", new_y="NEXT")
    doc.font(9)
    lines = [
        _("Periode: %(period)s") % {"period": period_label(evidence)},
        _("Periode pembanding: %(period)s") % {"period": previous_label(evidence)},
        _("Jumlah penduduk: %(n)s") % {"n": _fmt_int(region["population"]) if region["population"] else _("tidak tersedia")},
        _("Dibuat: %(at)s") % {"at": timezone.localtime(evidence["generated_at"]).strftime("%Y-%m-%d %H:%M")},
    ]
    for line in lines:
        pdf.multi_cell(doc.width, 5, doc.t(line), new_x="LMARGIN", new_y="NEXT")

    doc.heading(_("Ringkasan"))
    per = _fmt_int(evidence["per_inhabitants"])
    doc.table(
        [_("Ukuran"), _("Periode ini"), _("Periode lalu"), _("Perubahan")],
        [[_("Jumlah laporan"), _fmt_int(totals["count"]), _fmt_int(totals["previous"]), _fmt_change(totals)],
         [_("Laporan per %(n)s penduduk") % {"n": per}, _fmt_dec(totals["rate"], 2), _fmt_dec(totals["previous_rate"], 2), ""]]
        + [[k["name"], _fmt_int(k["count"]), _fmt_int(k["previous"]), _fmt_change(k)] for k in evidence["kinds"]],
        widths=(70, 35, 35, 40), align=("LEFT", "RIGHT", "RIGHT", "RIGHT"), wrap=(0,),
    )

    if evidence["categories"]:
        doc.bar_chart(_("Diagram jumlah laporan per kategori"),
                      [(c["name"], c["count"], c["previous"]) for c in evidence["categories"]],
                      (_("Periode ini"), _("Periode lalu")))

    doc.heading(_("Masalah teratas menurut kategori"))
    rows = [[str(i), c["name"], c["sector"] or "—", _fmt_int(c["count"]), _fmt_dec(c["share"]),
             _fmt_dec(c["rate"], 2), _fmt_int(c["previous"]), _fmt_change(c)]
            for i, c in enumerate(evidence["categories"], 1)]
    other = evidence["categories_other"]
    if other["categories"]:
        rows.append(["", _("Kategori lainnya (%(n)s)") % {"n": other["categories"]}, "", _fmt_int(other["count"]),
                     _fmt_dec(other["share"]), _fmt_dec(other["rate"], 2), _fmt_int(other["previous"]), _fmt_change(other)])
    doc.table([_("No."), _("Kategori"), _("Sektor"), _("Jumlah"), _("% aduan"), _("Per %(n)s") % {"n": per},
               _("Periode lalu"), _("Perubahan")], rows or [["", _("Tidak ada laporan."), "", "", "", "", "", ""]],
              widths=(8, 46, 34, 16, 14, 20, 18, 24),
              align=("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), wrap=(1, 2))

    doc.heading(_("Sektor: pangsa aduan dan pangsa anggaran"))
    doc.table([_("Sektor"), _("Jumlah"), _("% aduan"), _("Perubahan"), _("Anggaran"), _("% anggaran")],
              [[s["name"], _fmt_int(s["count"]), _fmt_dec(s["share"]), _fmt_change(s), _fmt_money(s["budget"]),
                _fmt_dec(s["budget_share"])] for s in evidence["sectors"]]
              or [[_("Tidak ada laporan."), "", "", "", "", ""]],
              widths=(50, 18, 16, 26, 40, 30), align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), wrap=(0,))

    doc.heading(_("Instansi penanggung jawab per kategori"))
    doc.table([_("Kategori"), _("Instansi"), _("Jumlah")],
              [[c["name"], a["name"], _fmt_int(a["count"])] for c in evidence["categories"] for a in c["agencies"]]
              or [[_("Tidak ada laporan."), "", ""]],
              widths=(55, 105, 20), align=("LEFT", "LEFT", "RIGHT"), wrap=(0, 1))

    budget = evidence["budget"]
    doc.heading(_("Anggaran yang dipublikasikan instansi (%(years)s)") % {"years": ", ".join(map(str, budget["years"]))})
    if budget["lines"]:
        # Per agency here; every sector line is in the workbook (a province may publish hundreds).
        per_agency: dict[str, dict] = {}
        for b in budget["lines"]:
            row = per_agency.setdefault(b["agency"], {"sectors": set(), "total": 0})
            row["sectors"].add(b["sector"])
            row["total"] += b["amount"]
        doc.table([_("Instansi"), _("Sektor"), _("Jumlah")],
                  [[name, _fmt_int(len(row["sectors"])), _fmt_money(row["total"])] for name, row in per_agency.items()]
                  + [[_("Total"), "", _fmt_money(budget["total"])]],
                  widths=(110, 25, 45), align=("LEFT", "RIGHT", "RIGHT"), wrap=(0,))
        doc.paragraph(_("Rincian per sektor setiap instansi ada di buku kerja XLSX (lembar Anggaran)."))
    else:
        doc.paragraph(_("Belum ada instansi di wilayah ini yang mempublikasikan anggaran untuk tahun tersebut."))

    doc.heading(_("Contoh laporan publik"))
    if evidence["examples_suppressed"]:
        doc.paragraph(_("Contoh laporan tidak ditampilkan karena wilayah ini memiliki kurang dari %(min)s laporan "
                        "pada periode ini.") % {"min": evidence["min_rows"]})
    else:
        examples = [[e["reference"], c["name"], e["title"], formats.date_format(timezone.localtime(e["submitted_at"]), "Y-m-d")]
                    for c in evidence["categories"] for e in c["examples"]]
        doc.table([_("Nomor"), _("Kategori"), _("Judul"), _("Tanggal")],
                  examples or [["", _("Belum ada laporan publik."), "", ""]],
                  widths=(30, 40, 88, 22), align=("LEFT", "LEFT", "LEFT", "LEFT"), wrap=(1, 2))

    doc.heading(_("Metode"))
    for note in method_notes(evidence):
        doc.paragraph(f"• {note}")
        pdf.ln(1)
    return doc.output()


# --- XLSX ----------------------------------------------------------------------------------

SHEETS = ("Ringkasan", "Kategori", "Sektor", "Instansi", "Anggaran", "Contoh laporan", "Metode")


def _xlsx_rows(evidence: dict) -> dict[str, list[list]]:
    region, totals, per = evidence["region"], evidence["totals"], evidence["per_inhabitants"]
    rate_head = _("Per %(n)s penduduk") % {"n": _fmt_int(per)}
    summary = [
        [_("Bukti perencanaan anggaran (APBD)")],
        [_("Wilayah"), region["name"]],
        [_("Kode wilayah"), region["code"]],
        [_("Tingkat"), region["level_label"]],
        [_("Jumlah penduduk"), region["population"]],
        [_("Periode dari"), evidence["period"]["from"]],
        [_("Periode sampai"), evidence["period"]["to"]],
        [_("Periode pembanding dari"), evidence["previous"]["from"]],
        [_("Periode pembanding sampai"), evidence["previous"]["to"]],
        [_("Dibuat"), timezone.localtime(evidence["generated_at"]).replace(tzinfo=None)],
        [],
        [_("Ukuran"), _("Periode ini"), _("Periode lalu"), _("Perubahan"), _("Perubahan (%)")],
        [_("Jumlah laporan"), totals["count"], totals["previous"], totals["change"], totals["change_pct"]],
        [rate_head, totals["rate"], totals["previous_rate"]],
    ] + [[k["name"], k["count"], k["previous"], k["change"], k["change_pct"]] for k in evidence["kinds"]]

    figures_head = [_("Jumlah"), _("% aduan"), rate_head, _("Periode lalu"), _("Perubahan"), _("Perubahan (%)")]

    def figures(row):
        return [row["count"], row["share"], row["rate"], row["previous"], row["change"], row["change_pct"]]

    categories = [[_("Peringkat"), _("Kategori"), _("Kode kategori"), _("Sektor"), *figures_head]]
    categories += [[i, c["name"], c["slug"], c["sector"], *figures(c)] for i, c in enumerate(evidence["categories"], 1)]
    other = evidence["categories_other"]
    if other["categories"]:
        categories.append([None, _("Kategori lainnya (%(n)s)") % {"n": other["categories"]}, "", "", *figures(other)])

    sectors = [[_("Sektor"), _("Kode sektor"), *figures_head, _("Anggaran (Rp)"), _("% anggaran")]]
    sectors += [[s["name"], s["slug"], *figures(s), s["budget"], s["budget_share"]] for s in evidence["sectors"]]

    agencies = [[_("Kategori"), _("Instansi"), _("Jumlah laporan")]]
    agencies += [[c["name"], a["name"], a["count"]] for c in evidence["categories"] for a in c["agencies"]]
    agencies += [[], [_("Instansi"), _("Kode instansi"), *figures_head]]
    agencies += [[a["name"], a["slug"], *figures(a)] for a in evidence["agencies"]]

    budget = [[_("Instansi"), _("Kode instansi"), _("Tahun"), _("Sektor"), _("Jumlah (Rp)"), _("Catatan")]]
    budget += [[b["agency"], b["agency_slug"], b["year"], b["sector"], b["amount"], b["note"]]
               for b in evidence["budget"]["lines"]]
    budget += [[], [_("Total anggaran"), "", "", "", evidence["budget"]["total"]]]

    if evidence["examples_suppressed"]:
        examples = [[_("Contoh laporan tidak ditampilkan karena wilayah ini memiliki kurang dari %(min)s laporan "
                       "pada periode ini.") % {"min": evidence["min_rows"]}]]
    else:
        examples = [[_("Nomor"), _("Kategori"), _("Judul (disamarkan)"), _("Status"), _("Instansi"), _("Tanggal masuk")]]
        examples += [[e["reference"], c["name"], e["title"], e["status_label"], e["agency"],
                      timezone.localtime(e["submitted_at"]).date()]
                     for c in evidence["categories"] for e in c["examples"]]

    method = [[_("Metode")]] + [[note] for note in method_notes(evidence)]
    return dict(zip(SHEETS, (summary, categories, sectors, agencies, budget, examples, method), strict=True))


def planning_xlsx(evidence: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)
    for name, rows in _xlsx_rows(evidence).items():
        sheet = workbook.create_sheet(title=name)
        for index, values in enumerate(rows):
            cells = []
            for value in values:
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # a title starting with '=' stays text, never a formula
                if index == 0 or (values and len(values) > 1 and rows[index - 1] == []):
                    cell.font = bold
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
