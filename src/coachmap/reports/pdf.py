"""HTML to PDF with WeasyPrint, for printable reports.

The print stylesheet is read from disk and the report templates hold no links to other files
(user text is escaped), so rendering never fetches anything.
"""

from __future__ import annotations

from django.conf import settings

PRINT_CSS = settings.BASE_DIR / "static" / "coachmap" / "print.css"


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])
