"""Invoices and credit notes as PDF: a French HTML page (``templates/invoice.html``) and its print
stylesheet, laid out by WeasyPrint as a tagged PDF/UA-1 document (headings, a real table with
its header cells, the language and the title in the metadata) that screen readers can read.

The HTML is built from the ``InvoiceSheet`` only, autoescaped, and rendered with every URL
refused: nothing a family typed can make the renderer read a file or reach the network.
WeasyPrint and Jinja2 are imported on first use, so that starting the portal does not pay for
them.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

    from portail_core.domain.billing.invoice_sheet import InvoiceSheet
    from portail_core.domain.shared.money import Money

__all__ = ["PDF_VARIANT", "HtmlInvoiceRenderer", "RecordingInvoiceRenderer"]

PDF_VARIANT = "pdf/ua-1"


def _euros(amount: Money) -> str:
    return amount.format_fr()


class HtmlInvoiceRenderer:
    """The real renderer: Jinja2 for the HTML, WeasyPrint for the PDF."""

    @functools.cached_property
    def _environment(self) -> Environment:
        from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

        environment = Environment(
            loader=PackageLoader("adapters.pdf", "templates"),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        )
        environment.filters["euros"] = _euros
        return environment

    @functools.cached_property
    def _stylesheet(self) -> str:
        return (files("adapters.pdf") / "templates" / "invoice.css").read_text("utf-8")

    def html(self, sheet: InvoiceSheet) -> str:
        """The page WeasyPrint lays out (useful to look at in a browser)."""
        return self._environment.get_template("invoice.html").render(sheet=sheet)

    def render(self, sheet: InvoiceSheet) -> bytes:
        from weasyprint import CSS, HTML  # heavy: imported on first use
        from weasyprint.urls import URLFetcher

        refuse_all = URLFetcher(allowed_protocols=frozenset())
        document = HTML(string=self.html(sheet), url_fetcher=refuse_all)
        pdf: Any = document.write_pdf(
            stylesheets=[CSS(string=self._stylesheet, url_fetcher=refuse_all)],
            pdf_variant=PDF_VARIANT,
            pdf_identifier=sheet.number.encode("ascii"),
        )
        return bytes(pdf)


class RecordingInvoiceRenderer:
    """The in-memory twin: keeps the sheets it was given and returns a recognisable stand-in."""

    def __init__(self) -> None:
        self.rendered: list[InvoiceSheet] = []

    def render(self, sheet: InvoiceSheet) -> bytes:
        self.rendered.append(sheet)
        return f"%PDF-stand-in {sheet.number}\n".encode("ascii")
