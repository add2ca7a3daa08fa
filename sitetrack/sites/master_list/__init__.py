"""The site master-list import, on the shared reading layer (`sitetrack.core.tabular`):

fields.py      the fields, their header synonyms and HXL tags
rows.py        one row's values: defaults, GPS, generic types, counts, area from the code
duplicates.py  rows without a code matched by name; likely duplicates (not numbered siblings)
population.py  households and individuals → a baseline round (assessments services)
report.py      the report
importer.py    `sites_import`, the orchestrator
"""

from sitetrack.sites.master_list.fields import FIELD_LABELS, REQUIRED_FIELDS, site_fields
from sitetrack.sites.master_list.importer import sites_import
from sitetrack.sites.master_list.report import SitesImportReport

__all__ = ["FIELD_LABELS", "REQUIRED_FIELDS", "SitesImportReport", "site_fields", "sites_import"]
