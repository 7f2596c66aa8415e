"""Invoice PDFs: HTML + CSS laid out as a tagged PDF/UA document, and an in-memory twin."""

from adapters.pdf.invoices import HtmlInvoiceRenderer, RecordingInvoiceRenderer

__all__ = ["HtmlInvoiceRenderer", "RecordingInvoiceRenderer"]
