"""Field data intake: import runs, raw submissions, mappings, the cleaning log, held
duplicates and KoboToolbox pull state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sitetrack.intake.log_messages import log_message


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Reading and checking")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # The process running it ended without finishing it (killed, machine stopped): set
    # when the next import or worker starts. Nothing of it was written.
    INTERRUPTED = "interrupted", _("Interrupted")


class ImportSource(models.TextChoices):
    FILE = "file", _("File")
    KOBO = "kobo", _("KoboToolbox pull")


class FieldMapping(models.Model):
    """How the fields of a form that SiteTrack did not generate land in assessments.

    `fields` maps a form field's XLSForm name to a target: an assessment field
    (`individuals`, `need_wash`, `visit_date`, …), `indicator:<code>`, `site_code`,
    `admin1_pcode`, `admin2_pcode`, `priorities` (a space-separated list filling
    priority_1..3), `flow:<direction|area|individuals|reason>` inside a repeat, or
    `ignore`. A target may be a dict `{"target": ..., "values": {form value: our value}}`.
    Fields not mapped stay only in the raw submission.
    """

    operation = models.ForeignKey(
        "core.Operation", on_delete=models.CASCADE, null=True, blank=True, related_name="field_mappings"
    )
    name = models.SlugField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    form_id = models.CharField(_("form ID"), max_length=120, blank=True)
    fields = models.JSONField(_("fields"), default=dict)
    # Repeat group name (as in the export) → the flows repeat, e.g. {"flows": "flows"}.
    repeats = models.JSONField(_("repeat groups"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("field mapping")
        verbose_name_plural = _("field mappings")
        constraints = [
            models.UniqueConstraint(fields=["operation", "name"], name="mapping_name_per_operation")
        ]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One import of one file (or one KoboToolbox pull) into one round."""

    operation = models.ForeignKey("core.Operation", on_delete=models.CASCADE, related_name="import_runs")
    round = models.ForeignKey("assessments.Round", on_delete=models.PROTECT, related_name="import_runs")
    form = models.CharField(_("form"), max_length=80, default="site-assessment")
    mapping = models.ForeignKey(FieldMapping, on_delete=models.SET_NULL, null=True, blank=True)
    source = models.CharField(max_length=10, choices=ImportSource.choices, default=ImportSource.FILE)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    # For XLSX (zip) files: a digest of the workbook's parts (name, CRC-32, size) without
    # its document properties. An export downloaded again with the same submissions has
    # other bytes (export time) but the same parts (see importer.identity.content_digest).
    content_digest = models.CharField(max_length=64, blank=True, default="")
    file_format = models.CharField(max_length=20, blank=True)
    # A workbook's main sheet, when it is not the first ("" = the first).
    sheet = models.CharField(_("sheet"), max_length=100, blank=True, default="")
    all_or_nothing = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    held = models.PositiveIntegerField(_("held as duplicates"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    # The file-level error when nothing could be imported (IntakeFileError.as_dict()).
    error = models.JSONField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # "host:pid" of the process running it (checking or saving), to tell an import that
    # died from one still running.
    process = models.CharField(max_length=120, blank=True, default="")
    # A re-import of a file identical to an earlier import whose result still stands:
    # every submission is unchanged by construction (see importer.identity.identical_import).
    identical_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name or self.source} → {self.round} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.INTERRUPTED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0


class RawSubmission(models.Model):
    """A submission exactly as it arrived. Restricted: it holds key-informant names and
    phones and every field no mapping uses; nothing here is copied elsewhere."""

    # Indexed by the unique (operation, uuid) constraint, which begins with it.
    operation = models.ForeignKey(
        "core.Operation", on_delete=models.CASCADE, related_name="raw_submissions", db_index=False
    )
    uuid = models.CharField(max_length=64)
    form = models.CharField(max_length=80)
    submitted_at = models.CharField(max_length=40, blank=True)
    # The verbatim record as compact JSON text (cheaper to store 100,000 of than a JSON
    # column, and never queried inside).
    data = models.TextField()
    # Hash of the values the submission sets (after mapping), to skip unchanged ones.
    content_hash = models.CharField(max_length=32)
    # Hash of the submission as read (cells and repeat rows, before typing), salted with
    # the round, form, mapping and catalogue: equal → skipped without being decoded.
    raw_hash = models.CharField(max_length=32, blank=True)
    assessment = models.ForeignKey(
        "assessments.SiteAssessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, related_name="+")
    last_run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["operation", "uuid"], name="raw_submission_uuid")]
        verbose_name = _("raw submission")
        verbose_name_plural = _("raw submissions")

    def __str__(self) -> str:
        return self.uuid


class ChangeType(models.TextChoices):
    CHANGED = "changed", _("Value changed")
    UPDATED = "updated", _("Updated by a new version of the submission")
    REJECTED = "rejected", _("Submission rejected")
    FLAGGED = "flagged", _("Flagged, not changed")
    HELD = "held", _("Held as a duplicate")


# What a cleaning-log line says, in the order the API and the import (staging) use.
CLEANING_LOG_FIELDS = (
    "row",
    "sheet",
    "uuid",
    "site_code",
    "field",
    "column",
    "old_value",
    "new_value",
    "change_type",
    "rule",
    "severity",
    "code",
    "params",
    "issue",
)


class CleaningLogEntry(models.Model):
    """One line of the cleaning log: a change, a rejection or a flag, with its reason."""

    # Indexed by the (run, change_type) index, which begins with it.
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="log", db_index=False)
    row = models.PositiveIntegerField(null=True)
    sheet = models.CharField(max_length=100, blank=True)
    uuid = models.CharField(max_length=64, blank=True)
    site_code = models.CharField(max_length=40, blank=True)
    field = models.CharField(max_length=120, blank=True)
    column = models.CharField(max_length=255, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    change_type = models.CharField(max_length=10, choices=ChangeType.choices)
    rule = models.CharField(max_length=60, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    # What the line says, as a code and its parameters (read with `message`, in the
    # reader's language: intake/log_messages.py). `issue` holds the text of lines
    # written before codes that no code matched (migration 0006).
    code = models.CharField(max_length=60, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    issue = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "change_type"])]

    def __str__(self) -> str:
        return f"{self.uuid} {self.field} {self.change_type}"

    @property
    def message(self) -> str:
        """The line's sentence in the active language."""
        return log_message(self.code, self.params, self.issue)


class HoldStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a decision")
    KEPT_EXISTING = "kept", _("Existing assessment kept")
    TOOK_NEW = "took", _("Held submission applied")


class DuplicateHold(models.Model):
    """A submission for a site and round that already has an assessment from another
    submission (or a validated one): not applied until an IMO chooses."""

    operation = models.ForeignKey("core.Operation", on_delete=models.CASCADE, related_name="duplicate_holds")
    round = models.ForeignKey("assessments.Round", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        "assessments.SiteAssessment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="holds")
    uuid = models.CharField(max_length=64)
    # Why it is held: a code of intake/log_messages.py, its parameters in
    # values["reason_params"] (holds stored before codes keep their sentence here).
    reason = models.CharField(max_length=200, blank=True)
    # The mapped values the held submission would set, and its flows.
    values = models.JSONField(default=dict)
    status = models.CharField(
        max_length=6, choices=HoldStatus.choices, default=HoldStatus.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "uuid"], name="one_hold_per_submission_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.uuid} ({self.get_status_display()})"

    @property
    def reason_message(self) -> str:
        """Why the submission is held, in the active language."""
        return log_message(self.reason, (self.values or {}).get("reason_params"), self.reason)


class KoboPullState(models.Model):
    """Where the last pull of a KoboToolbox asset stopped, so the next one resumes."""

    operation = models.ForeignKey("core.Operation", on_delete=models.CASCADE, related_name="+")
    server = models.CharField(max_length=200)
    asset_uid = models.CharField(max_length=64)
    # The newest _submission_time imported; the next pull asks only for later ones.
    last_submission_time = models.CharField(max_length=40, blank=True)
    # While a pull is under way: the page to fetch next (resume point after a failure).
    next_url = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)
    submissions = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "server", "asset_uid"], name="one_state_per_asset")
        ]

    def __str__(self) -> str:
        return f"{self.server} {self.asset_uid}"
