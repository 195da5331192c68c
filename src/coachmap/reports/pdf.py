"""HTML to PDF: the one renderer lives in `core.pdf` (family reports sit beside `reports` and use it too)."""

from coachmap.core.pdf import PRINT_CSS, WIDTHS_CSS, html_to_pdf, page_count

__all__ = ["PRINT_CSS", "WIDTHS_CSS", "html_to_pdf", "page_count"]
