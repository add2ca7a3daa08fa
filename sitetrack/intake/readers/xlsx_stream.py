"""The streaming XLSX reader moved to the shared reading layer (one reader, one place):
`sitetrack.core.tabular.xlsx_stream`. Kept so existing imports keep working."""

from sitetrack.core.tabular.xlsx_stream import XlsxStream, column_index  # noqa: F401
