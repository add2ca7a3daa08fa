"""Phase 1 of an import: read, map, type, validate and compare every submission; stage
what must be written (new assessments in the staging tables, re-import work in the
spool) and log what was found. Nothing is written to the real tables here."""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from sitetrack.assessments.models import AssessmentStatus, SiteAssessment
from sitetrack.assessments.selectors import previous_round
from sitetrack.assessments.validation import PRIORITY_FIELDS, validation_rules_for
from sitetrack.core.sectors import Sector
from sitetrack.geo.models import AdminArea
from sitetrack.intake.formspec import FLOWS_REPEAT
from sitetrack.intake.importer import row_rules
from sitetrack.intake.importer.fastclean import FastCleaner
from sitetrack.intake.importer.identity import PROBE_ROWS, raw_digest, raw_text, to_json
from sitetrack.intake.importer.pipeline import submissions
from sitetrack.intake.importer.plan import FieldKind, field_plan
from sitetrack.intake.importer.progress import PROGRESS_EVERY, Progress, set_progress
from sitetrack.intake.importer.records import Checked, Counts, Current, KnownSite, RawRecord, Stored
from sitetrack.intake.importer.row_rules import Rejected
from sitetrack.intake.importer.spool import Spool, SpoolItem
from sitetrack.intake.mapping import IGNORE_VALUE, SITE_TARGETS, Mapping
from sitetrack.intake.models import ChangeType, ImportRun, RawSubmission
from sitetrack.intake.readers import IntakeFileError, Submission
from sitetrack.sites.models import Site

_SCALAR, _INDICATOR, _SKIP = FieldKind.SCALAR, FieldKind.INDICATOR, FieldKind.SKIP
SECTORS = frozenset(Sector.values)
# Headers of an XLSForm's survey sheet: a form, not an export of its submissions.
XLSFORM_HEADERS = frozenset(("type", "name"))


class Checker:
    """Checks a reader's submissions for one run. Built by the orchestrator
    (services.runs), which hands it the staging tables (`stage`), the spool, the
    cleaning log (`log`) and how a new assessment's row is built (`new_row`, the
    saver's)."""

    def __init__(
        self,
        run: ImportRun,
        reader,
        *,
        catalogue,
        mapping: Mapping,
        form,
        stage,
        spool: Spool,
        log: Callable[..., None],
        new_row: Callable[[Checked], tuple],
        progress: Progress | None = None,
    ) -> None:
        self.run, self.reader, self.spool, self.progress = run, reader, spool, progress
        self.stage, self.entry, self.new_row = stage, log, new_row
        self.catalogue, self.mapping, self.form = catalogue, mapping, form
        self.cleaner = FastCleaner(catalogue)
        self.rules = validation_rules_for(run.operation)
        self.plan = field_plan(mapping)
        self.plan_scalars = [(k, s.name) for k, s in self.plan.items() if s.kind is _SCALAR]
        self.plan_indicators = [(k, s.name) for k, s in self.plan.items() if s.kind is _INDICATOR]
        self.plan_others = [
            (k, s)
            for k, s in self.plan.items()
            if s.kind not in (_SCALAR, _INDICATOR, _SKIP, FieldKind.IDENTITY)
        ]
        self.id_keys = [k for k, s in self.plan.items() if s.kind is FieldKind.IDENTITY]
        self.by_location = any(t.target == "location_pcode" for t in mapping.fields.values())
        # (source column, value) → submissions naming a choice the mapping cannot place.
        self.unknown_choices: Counter[tuple[str, str]] = Counter()
        self.counts = Counts()
        self.today = timezone.localdate()
        self._load_lookups()
        # A raw hash means "this exact submission, imported into this round with this
        # form, mapping and catalogue": the same outcome by construction.
        mapping_doc = to_json([run.mapping.fields, run.mapping.repeats]) if run.mapping_id else "automatic"
        self.salt = f"{run.round_id}|{run.form}|{mapping_doc}|{catalogue.version.pk}|"
        # Readers that can skip unchanged rows before decoding them ask this (not needed
        # when nothing is stored yet).
        reader.known = self._known if self.raw else None

    def _load_lookups(self) -> None:
        """Everything looked up per row, loaded once into dicts."""
        run = self.run
        operation = run.operation
        self.sites: dict[str, KnownSite] = {}
        for sid, code, area_m2, path in Site.objects.filter(operation=operation).values_list(
            "id", "code", "area_m2", "admin_area__path"
        ):
            self.sites[code.upper()] = KnownSite(sid, code, area_m2, frozenset(path.strip("/").split("/")))
        self.areas = dict(AdminArea.objects.values_list("pcode", "id"))
        self.sites_by_alias: dict[str, list[KnownSite]] = {}
        self.sites_by_area: dict[str, list[KnownSite]] = {}
        if self.by_location:
            self._load_locations()
        self.raw: dict[str, Stored] = {
            u: Stored(i, h, a, r)
            for i, u, h, a, r in RawSubmission.objects.filter(operation=operation).values_list(
                "id", "uuid", "content_hash", "assessment_id", "raw_hash"
            )
        }
        self.assessments: dict[int, Current] = {
            s: Current(i, st)
            for i, s, st in SiteAssessment.objects.filter(round=run.round).values_list(
                "id", "site_id", "status"
            )
        }
        by_assessment = {r.assessment_id: u for u, r in self.raw.items() if r.assessment_id}
        self.assessment_uuid = {sid: by_assessment.get(a.id) for sid, a in self.assessments.items()}
        before = previous_round(run.round)
        self.previous: dict[int, dict] = {}
        if before is not None:
            for sid, people in (
                SiteAssessment.objects.filter(round=before)
                .exclude(status=AssessmentStatus.DRAFT)
                .values_list("site_id", "individuals")
            ):
                self.previous[sid] = {"individuals": people}
        self.seen_sites: dict[int, str] = {}
        self.uuids_seen: dict[str, int | None] = {}

    def _load_locations(self) -> None:
        """Sites by alias and by their own admin area's P-code (for location_pcode)."""
        for code, aliases, pcode in Site.objects.filter(operation=self.run.operation).values_list(
            "code", "aliases", "admin_area__pcode"
        ):
            site = self.sites[code.upper()]
            for alias in aliases or ():
                self.sites_by_alias.setdefault(str(alias).strip().upper(), []).append(site)
            self.sites_by_area.setdefault(pcode.upper(), []).append(site)

    def _salted(self, raw_hash: str) -> str:
        return hashlib.blake2b((self.salt + raw_hash).encode("utf-8"), digest_size=16).hexdigest()

    def _known(self, uuid: str, raw_hash: str) -> bool:
        """Is this submission stored exactly as read? (Asked by readers before decoding.)"""
        existing = self.raw.get(uuid)
        return existing is not None and existing.raw_hash == self._salted(raw_hash)

    def _reject(self, sub: Submission, verdict: Rejected) -> None:
        self.counts.rejected += 1
        self.entry(
            sub,
            ChangeType.REJECTED,
            field=verdict.field,
            old=verdict.value,
            rule=verdict.rule,
            severity="error",
            code=verdict.code,
            params=verdict.params,
            site=verdict.site,
        )

    # Checking the file as a whole ------------------------------------------------------------
    def check_columns(self) -> None:
        """The file is an export of the mapped form, with a column for the site and one
        for each submission's identity."""
        keys = set(self.reader.columns)
        site_sources = [s for s, t in self.mapping.fields.items() if t.target in SITE_TARGETS]
        if not any(s in keys for s in site_sources):
            self._no_site_column(keys, site_sources)
        if not getattr(self.reader, "has_identity", True) and not any(k in keys for k in self.id_keys):
            raise IntakeFileError(
                code="no_identity_column",
                file=self.run.file_name,
                sheet=getattr(self.reader, "sheet", ""),
                row=1,
                column="_uuid",
                rule="missing_required_column",
            )

    def _no_site_column(self, keys: set[str], site_sources: list[str]) -> None:
        """Why the file cannot be read as this form: a form definition, another form's
        export, or a missing site column (with the closest headers the file has)."""
        sheet = getattr(self.reader, "sheet", "")
        where = {"file": self.run.file_name, "sheet": sheet, "row": 1}
        if keys >= XLSFORM_HEADERS and any(k == "label" or k.startswith("label:") for k in keys):
            raise IntakeFileError(
                code="xlsform_not_export",
                rule="xlsform_not_export",
                **where,
            )
        mapped = {src for src in self.mapping.fields if src in keys}
        meaningful = [s for s, t in self.mapping.fields.items() if t.target != "ignore"]
        if len(mapped) < max(3, len(meaningful) // 5):
            raise IntakeFileError(
                code="other_form",
                params={"n": len(mapped), "total": len(keys), "form": self.run.form},
                rule="other_form",
                **where,
            )
        close = []
        for source in site_sources:
            close += [
                k for k in difflib.get_close_matches(source, sorted(keys), n=3, cutoff=0.5) if k not in close
            ]
        column = " / ".join(site_sources)
        raise IntakeFileError(
            code="missing_site_column_close" if close else "missing_site_column",
            params={"column": column, "columns": ", ".join(close[:5])} if close else {"column": column},
            column=column,
            rule="missing_required_column",
            **where,
        )

    def probe(self) -> bool:
        """Are the first rows of the file stored exactly as read (raw hashes equal)?"""
        self.check_columns()
        if self.reader.known is None:
            return False
        seen = 0
        for sub in self.reader:
            if not sub.skipped and (
                sub.raw_hash or not sub.uuid or not self._known(sub.uuid, raw_digest(sub))
            ):
                return False
            seen += 1
            if seen >= PROBE_ROWS:
                break
        return seen > 0

    def check(self) -> None:
        """Every submission of the file, with progress committed as it goes."""
        self.check_columns()
        total = self.reader.total
        counts = self.counts
        for sub in submissions(self.reader):
            counts.processed += 1
            if sub.skipped:
                counts.unchanged += 1
            else:
                try:
                    self._one(sub)
                except Rejected as verdict:
                    self._reject(sub, verdict)
            if counts.processed % PROGRESS_EVERY == 0:
                set_progress(self.run, processed=counts.processed)
                if self.progress:
                    self.progress(counts.processed, total, "checking")
        # The total was an estimate for some readers (a CSV with line breaks in cells):
        # the records are now counted.
        set_progress(self.run, processed=counts.processed, total=counts.processed)
        if self.progress:
            self.progress(counts.processed, counts.processed, "checking")
        self._log_unknown_choices()

    def _log_unknown_choices(self) -> None:
        """One finding per choice value the mapping cannot place, with its count."""
        for (key, value), n in sorted(self.unknown_choices.items(), key=lambda kv: (-kv[1], kv[0])):
            self.entry(
                None,
                ChangeType.FLAGGED,
                field=key,
                old=value,
                rule="unknown_choice_value",
                severity="warning",
                code="unknown_choice_value",
                params={"n": n, "value": value},
                where=("", None, ""),
            )

    # One submission ------------------------------------------------------------------------
    def _translated(self, sub: Submission, key: str, value: Any, table: dict) -> Any:
        mapped = table.get(str(value), value)
        if mapped != value:
            self.entry(
                sub,
                ChangeType.CHANGED,
                field=key,
                old=value,
                new=mapped,
                rule="mapping_value",
                code="mapping_value",
                params={"name": self.mapping.name},
            )
        return mapped

    def _map(self, sub: Submission) -> tuple[dict, dict, list | None]:
        """(assessment values, location values, flows or None)."""
        given = sub.fields
        # Most fields are copied as they are: in comprehensions, not one by one.
        values: dict[str, Any] = {name: given[key] for key, name in self.plan_scalars if key in given}
        indicators: dict[str, Any] = {name: given[key] for key, name in self.plan_indicators if key in given}
        location: dict[str, Any] = {}
        for key, (kind, name, table) in self.plan_others:
            value = given.get(key)
            if value is None:
                continue
            if table and kind is not FieldKind.PRIORITIES:
                value = self._translated(sub, key, value, table)
            if kind is FieldKind.SCALAR_MAPPED:
                values[name] = value
            elif kind is FieldKind.INDICATOR_MAPPED:
                indicators[name] = value
            elif kind is FieldKind.LOCATION:
                if name not in location:
                    location[name] = value
                    location[f"{name}__field"] = key
                location.setdefault(f"{name}__all", []).append((key, value))
            elif kind is FieldKind.PRIORITIES:
                self._priorities(key, value, table, values)
        values["indicators"] = indicators
        return values, location, self._flows(sub)

    def _priorities(self, key: str, value: Any, table: dict, values: dict) -> None:
        """A select_multiple of needs → up to three priority sectors, in order: values
        mapped to one sector count once, values mapped to "ignore" are left out, values
        the mapping cannot place are counted (reported once each, see
        `_log_unknown_choices`) and left in the raw record; the rest of the submission
        lands."""
        picked: list[str] = []
        for given in str(value).replace(",", " ").split():
            item = table.get(given, given) if table else given
            if item == IGNORE_VALUE:
                continue
            if item not in SECTORS:
                self.unknown_choices[(key, given)] += 1
                continue
            if item not in picked:
                picked.append(item)
        for slot, item in zip(PRIORITY_FIELDS, picked, strict=False):
            values[slot] = item

    def _flows(self, sub: Submission) -> list | None:
        """The rows of the flows repeat, mapped (None: the export has no repeats)."""
        if sub.repeats is None:
            return None
        fields = self.mapping.fields
        flows = []
        for rname, rows in sub.repeats.items():
            if self.mapping.repeats.get(rname, rname if rname == FLOWS_REPEAT else None) != FLOWS_REPEAT:
                continue
            for row in rows:
                flow: dict[str, Any] = {}
                for key, value in row.items():
                    target = fields.get(key)
                    if target is not None and target.target.startswith("flow:"):
                        flow[target.target[5:]] = (
                            target.values.get(str(value), value) if target.values else value
                        )
                if flow:
                    flows.append(flow)
        return flows

    def _one(self, sub: Submission) -> None:
        """One submission through the row rules (row_rules.py); Rejected if refused."""
        identified = not sub.uuid and bool(self.id_keys) and self._identify(sub)
        row_rules.require_uuid(sub)
        row_rules.once_in_file(self.uuids_seen, sub)
        # Readers that cannot skip before decoding: compare the raw record, still before
        # mapping, typing and validation.
        if not sub.raw_hash:
            sub.raw_hash = raw_digest(sub)
            if self._known(sub.uuid, sub.raw_hash):
                self.counts.unchanged += 1
                return
        elif identified and self._known(sub.uuid, sub.raw_hash):
            self.counts.unchanged += 1
            return
        record_text = raw_text(sub)
        row_rules.cells_not_too_long(sub, len(record_text))
        values, location, flows = self._map(sub)
        site = row_rules.site_of(self, sub, location)
        row_rules.check_pcodes(self, sub, location, site)
        row_rules.visit_date(self, values, site)
        row_rules.method(self, sub, values, site)
        cleaned = row_rules.typed(self, values, site)
        row_rules.counts_in_range(cleaned, site)
        clean_flows = row_rules.typed_flows(self, flows, site)
        existing = self.raw.get(sub.uuid)
        digest = self._content_digest(existing, site.code, cleaned, clean_flows)
        raw_hash = self._salted(sub.raw_hash)
        if existing is not None and existing.content_hash == digest:
            # Same values (only unmapped fields changed, or stored before raw hashes):
            # refresh the raw record so that the next import skips it early.
            self.counts.unchanged += 1
            raw = RawRecord(sub.uuid, sub.submitted_at or "", record_text, digest, raw_hash)
            self.spool.add(SpoolItem("raw", raw, existing.assessment_id, "", existing))
            return
        issues, errors, warnings = row_rules.validated(self, sub, cleaned, clean_flows, site)
        self.counts.warnings += warnings
        record = Checked(
            sub.uuid,
            sub.submitted_at or "",
            record_text,
            digest,
            site.id,
            site.code,
            cleaned,
            clean_flows,
            issues,
            errors,
            warnings,
            sub.row,
            sub.sheet,
            raw_hash,
        )
        self._dispatch(sub, record, existing, site)

    def _identify(self, sub: Submission) -> bool:
        """The submission's id from the mapping's stable id column (submission_id),
        for exports without _uuid or meta/instanceID: `column:value`."""
        for key in self.id_keys:
            value = sub.fields.get(key)
            if value not in (None, ""):
                sub.uuid = f"{key}:{str(value).strip()}"[:64]
                return True
        return False

    @staticmethod
    def _content_digest(existing: Stored | None, code: str, cleaned: dict, flows: list | None) -> str:
        """The digest of what the submission means. (Rows stored before raw hashes were
        hashed from JSON; later ones from repr, several times faster.)"""
        content = (
            to_json([code, cleaned, flows])
            if existing is not None and not existing.raw_hash
            else repr((code, cleaned, flows))
        )
        return hashlib.blake2b(content.encode("utf-8"), digest_size=16).hexdigest()

    def _dispatch(self, sub: Submission, record: Checked, existing: Stored | None, site: KnownSite) -> None:
        """Held as a duplicate, staged as new, or spooled as an update."""
        site_id = record.site_id
        current = self.assessments.get(site_id)
        reason = row_rules.duplicate_reason(self, sub, site)
        if reason:
            code, params = reason
            self.counts.held += 1
            self.entry(
                sub,
                ChangeType.HELD,
                field="site_code",
                old=record.site_code,
                rule="duplicate",
                severity="warning",
                code=code,
                params=params,
                site=record.site_code,
            )
            self.spool.add(
                SpoolItem("hold", record, current.id if current else None, (code, params), existing)
            )
            return
        self.seen_sites[site_id] = sub.uuid
        if current is not None:
            self.counts.updated += 1
            self.spool.add(SpoolItem("update", record, current.id, "", existing))
            return
        self.counts.new += 1
        self.stage.add_assessment(
            self.new_row(record),
            [
                (site_id, f["direction"], f["area_id"], f["individuals"], f["reason"])
                for f in record.flows or ()
            ],
            (
                site_id,
                existing.id if existing else None,
                sub.uuid,
                record.submitted_at,
                record.raw_text,
                record.digest,
                record.raw_hash,
            ),
        )
        self.assessments[site_id] = Current(None, AssessmentStatus.SUBMITTED)
        self.assessment_uuid[site_id] = sub.uuid
