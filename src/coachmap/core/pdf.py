"""HTML to PDF with WeasyPrint, for printable pages of any app (the same as `reports.pdf`, one layer down,
so an app below `reports` can print too).

The print stylesheet is read from disk and the templates hold no links to other files (user text is
escaped), so rendering never fetches anything.
"""

from __future__ import annotations

from django.conf import settings

PRINT_CSS = settings.BASE_DIR / "static" / "coachmap" / "print.css"
WIDTHS_CSS = settings.BASE_DIR / "static" / "coachmap" / "widths.css"


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS)), CSS(filename=str(WIDTHS_CSS))]
    )
