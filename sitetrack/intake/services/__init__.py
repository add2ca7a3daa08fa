"""What views, APIs, commands and tasks call (keyword-only, atomic where they write).

- runs.py: import_run_create, import_run_execute (the orchestrator of intake/importer),
  import_file
- uploads.py: import_upload, import_run_enqueue
- holds.py: duplicate_hold_resolve
- mappings.py: field_mapping_save, field_mapping_install_shipped
"""

from sitetrack.intake.services.holds import duplicate_hold_resolve
from sitetrack.intake.services.mappings import field_mapping_install_shipped, field_mapping_save
from sitetrack.intake.services.runs import FORMS, import_file, import_run_create, import_run_execute
from sitetrack.intake.services.uploads import (
    import_run_enqueue,
    import_upload,
    import_upload_store,
    upload_dir,
)

__all__ = [
    "FORMS",
    "duplicate_hold_resolve",
    "field_mapping_install_shipped",
    "field_mapping_save",
    "import_file",
    "import_run_create",
    "import_run_enqueue",
    "import_run_execute",
    "import_upload",
    "import_upload_store",
    "upload_dir",
]
