"""The donor report as a PDF: the content rendered in an HTML template with a print stylesheet, typeset by
WeasyPrint. Numbers are written the way the report's language writes them (1 234,5 in Spanish, 1,234.5 in
English), because the template's filters follow the active language."""

from django.template.loader import render_to_string
from weasyprint import HTML

from minka.reports.donor.content import Content


def pdf_render(content: Content) -> bytes:
    """The PDF's bytes. Call inside `translation.override(content.language)`."""
    html = render_to_string("reports/donor_pdf.html", {"c": content})
    # Stories' photos are files of the media folder, addressed as file:// URLs; nothing is fetched from the network.
    return HTML(string=html, base_url="file:///").write_pdf()
