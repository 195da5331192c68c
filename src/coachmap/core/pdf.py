"""HTML to PDF with WeasyPrint, for printable reports (the impact summary, family reports).

In core so every report app uses the one renderer, whatever its layer.

The print stylesheet is read from disk and the report templates hold no links to other files
(user text is escaped), so rendering never fetches anything.
"""

from __future__ import annotations

from django.conf import settings

PRINT_CSS = settings.BASE_DIR / "static" / "coachmap" / "print.css"
# Bar widths are classes, not style= attributes (the pages' Content-Security-Policy forbids those).
WIDTHS_CSS = settings.BASE_DIR / "static" / "coachmap" / "widths.css"


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS)), CSS(filename=str(WIDTHS_CSS))]
    )


def page_count(html: str) -> int:
    """How many pages `html_to_pdf` makes of `html` (a board summary must fit on one)."""
    from weasyprint import CSS, HTML

    document = HTML(string=html).render(
        stylesheets=[CSS(filename=str(PRINT_CSS)), CSS(filename=str(WIDTHS_CSS))]
    )
    return len(document.pages)
