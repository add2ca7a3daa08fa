"""Deterministic fake KoboToolbox exports of the site-assessment form.

Used by tests, by the intake benchmark and by the benchmark scenario generator:

    write_kobo_xlsx(path, submissions=100_000, sites=codes, seed=1)

`sites` is a sequence of site codes (admin areas are taken from the code prefix, as in
`CF7111-S001` → admin2 `CF711`, admin1 `CF71`) or of (code, admin1, admin2) tuples.
Submission i goes to site i % len(sites). The columns follow KoboToolbox's XLSX export
with XML names and `/` as group separator: the fields with their group path, geopoint
parts, select_multiple detail columns, then `_id`, `_uuid`, `_submission_time`, …,
`_index`; the repeat group is its own sheet linked by `_parent_index`.
"""

from __future__ import annotations

import csv
import random
import uuid as uuidlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from sitetrack.core.sectors import Sector
from sitetrack.core.xlsx import write_xlsx
from sitetrack.intake.formspec import FormField, FormGroup, FormSpec, site_assessment_form

KOBO_META_COLUMNS = (
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)
KOBO_REPEAT_META = (
    "_index",
    "_parent_table_name",
    "_parent_index",
    "_submission__id",
    "_submission__uuid",
    "_submission__submission_time",
    "_submission__validation_status",
    "_submission__notes",
    "_submission__status",
    "_submission__submitted_by",
    "_submission___version__",
    "_submission__tags",
)
FORM_VERSION = "vSiteTrack1"


def kobo_columns(form: FormSpec) -> tuple[list[tuple[str, FormField | None]], dict[str, list[str]]]:
    """Headers of the main sheet (with the field each belongs to) and of each repeat sheet."""
    main: list[tuple[str, FormField | None]] = []
    repeats: dict[str, list[str]] = {}

    def emit(out: list, prefix: str, f: FormField) -> None:
        full = f"{prefix}{f.name}"
        out.append((full, f))
        if f.base_type == "geopoint":
            for part in ("latitude", "longitude", "altitude", "precision"):
                out.append((f"{prefix}_{f.name}_{part}", None))
        elif f.base_type == "select_multiple":
            for choice in form.choices[f.list_name]:
                out.append((f"{full}/{choice.name}", None))

    def visit(items, prefix: str, out: list) -> None:
        for item in items:
            if isinstance(item, FormGroup):
                if item.repeat:
                    rep: list = []
                    visit(item.items, f"{prefix}{item.name}/", rep)
                    repeats[item.name] = [h for h, _ in rep] + list(KOBO_REPEAT_META)
                else:
                    visit(item.items, f"{prefix}{item.name}/", out)
            else:
                emit(out, prefix, item)

    visit(form.items, "", main)
    main += [(m, None) for m in KOBO_META_COLUMNS]
    return main, repeats


def _sites(sites: Sequence) -> list[tuple[str, str, str]]:
    out = []
    for s in sites:
        if isinstance(s, str):
            prefix = s.split("-")[0]
            out.append((s, prefix[:4], prefix[:5]))
        else:
            out.append(tuple(s))
    return out


def _value(rng: random.Random, f: FormField, form: FormSpec, ctx: dict):
    t = f.base_type
    if f.list_name and t == "select_one":
        return rng.choice(form.choices[f.list_name]).name
    if t == "select_multiple":
        names = [c.name for c in form.choices[f.list_name]]
        return " ".join(sorted(rng.sample(names, rng.randint(0, min(2, len(names))))))
    if t == "integer":
        return rng.randint(0, 60)
    if t == "decimal":
        return round(rng.uniform(0, 50000), 1)
    return f"note {rng.randint(1, 999)}"


def generate(
    *,
    submissions: int,
    sites: Sequence,
    seed: int = 1,
    visit_date: date = date(2014, 2, 3),
    form: FormSpec | None = None,
) -> Iterator[tuple[dict, list[dict]]]:
    """Yield (main row, repeat rows) keyed by KoboToolbox XLSX headers.

    Longer than 80 lines on purpose: every answer of one submission is drawn here from
    one random generator in a fixed order, so that a seed always gives the same export
    (benchmarks and tests compare runs on it); split up, the order of the draws would
    be easy to change by accident."""
    form = form or site_assessment_form()
    rng = random.Random(seed)
    site_list = _sites(sites)
    main_cols, repeat_cols = kobo_columns(form)
    sectors = list(Sector.values)
    sad = (
        "f_0_4",
        "f_5_11",
        "f_12_17",
        "f_18_59",
        "f_60_plus",
        "m_0_4",
        "m_5_11",
        "m_12_17",
        "m_18_59",
        "m_60_plus",
    )
    shelter = (
        "hh_tent",
        "hh_makeshift",
        "hh_collective_building",
        "hh_host_family",
        "hh_open_air",
        "hh_other",
    )
    base_time = datetime.combine(visit_date, datetime.min.time()) + timedelta(hours=8)
    repeat_index = 0
    for i in range(submissions):
        code, admin1, admin2 = site_list[i % len(site_list)]
        values: dict[str, object] = {}
        bands = {b: rng.randint(0, 400) for b in sad}
        individuals = sum(bands.values())
        households = max(1, individuals // rng.randint(4, 6)) if individuals else 0
        hh_left = households
        for name in shelter[:-1]:
            v = rng.randint(0, hh_left)
            values[name] = v
            hh_left -= v
        values[shelter[-1]] = rng.randint(0, hh_left)
        prio = rng.sample(sectors, 3)
        day = visit_date + timedelta(days=rng.randint(0, 4))
        start = base_time + timedelta(days=(day - visit_date).days, minutes=rng.randint(0, 480))
        values.update(bands)
        values.update(
            {
                "start": start.isoformat(timespec="seconds") + ".000+01:00",
                "end": (start + timedelta(minutes=35)).isoformat(timespec="seconds") + ".000+01:00",
                "today": day.isoformat(),
                "deviceid": f"collect:{rng.getrandbits(48):012x}",
                "admin1": admin1,
                "admin2": admin2,
                "site_code": code,
                "site_gps": f"{4.3 + rng.random() / 10:.6f} {18.5 + rng.random() / 10:.6f} 380 5",
                "visit_date": day.isoformat(),
                "method": rng.choice(["observation", "key_informant", "focus_group"]),
                "enumerator_org": rng.choice(["DRC", "IOM", "ACTED", "CRS"]),
                "ki_name": f"Informant {rng.randint(1, 99999)}",
                "ki_phone": f"+236 7{rng.randint(0, 9)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                "households": households,
                "individuals": individuals,
                "sadd_total": individuals,
                "arrivals": rng.randint(0, 200),
                "departures": rng.randint(0, 100),
                "priority_1": prio[0],
                "priority_2": prio[1],
                "priority_3": prio[2],
                "observations": rng.choice(
                    ["", "Rain damaged shelters.", "Calm week.", "New arrivals from Bossangoa."]
                ),
            }
        )
        for name in ("pregnant_lactating", "disabilities", "uasc", "older_alone", "chronic_illness"):
            values[name] = rng.randint(0, individuals // 10 if individuals else 0)
        for s in sectors:
            values[f"need_{s}"] = str(rng.randint(1, 5))
            values[f"comment_{s}"] = rng.choice(["", "", "Needs follow-up.", "Partner present."])
        submission_uuid = str(uuidlib.UUID(int=rng.getrandbits(128), version=4))
        submitted = start + timedelta(hours=rng.randint(1, 30))
        row: dict[str, object] = {}
        for header, f in main_cols:
            if f is None:
                continue
            if f.name in values:
                row[header] = values[f.name]
            elif f.base_type == "calculate":
                row[header] = ""
            else:
                row[header] = _value(rng, f, form, values)
        for header, f in main_cols:
            if f is not None and f.base_type == "select_multiple":
                chosen = set(str(row[header]).split())
                for c in form.choices[f.list_name]:
                    row[f"{header}/{c.name}"] = 1 if c.name in chosen else 0
            elif f is not None and f.base_type == "geopoint":
                lat, lon, alt, acc = str(row[header]).split()
                prefix = header.rsplit("/", 1)[0] + "/" if "/" in header else ""
                row[f"{prefix}_{f.name}_latitude"] = float(lat)
                row[f"{prefix}_{f.name}_longitude"] = float(lon)
                row[f"{prefix}_{f.name}_altitude"] = float(alt)
                row[f"{prefix}_{f.name}_precision"] = float(acc)
        sub_time = submitted.isoformat(timespec="seconds")
        row.update(
            {
                "_id": 1_000_000 + i,
                "_uuid": submission_uuid,
                "_submission_time": sub_time,
                "_validation_status": "",
                "_notes": "",
                "_status": "submitted_via_web",
                "_submitted_by": "",
                "__version__": FORM_VERSION,
                "_tags": "",
                "_index": i + 1,
            }
        )
        rep_rows: list[dict] = []
        for name, cols in repeat_cols.items():
            prefix = cols[0].rsplit("/", 1)[0] + "/"
            flows = []
            if values["arrivals"]:
                flows.append(("arrival", values["arrivals"]))
            if values["departures"] and rng.random() < 0.5:
                flows.append(("departure", values["departures"]))
            for direction, people in flows:
                repeat_index += 1
                rep_rows.append(
                    {
                        f"{prefix}flow_direction": direction,
                        f"{prefix}flow_area": rng.choice([a for a in ("CF711", "CF713", "CF111", admin2)]),
                        f"{prefix}flow_individuals": people,
                        f"{prefix}flow_reason": rng.choice(["conflict", "services", "return"]),
                        "_index": repeat_index,
                        "_parent_table_name": name,
                        "_parent_index": i + 1,
                        "_submission__id": row["_id"],
                        "_submission__uuid": submission_uuid,
                        "_submission__submission_time": sub_time,
                        "_submission__validation_status": "",
                        "_submission__notes": "",
                        "_submission__status": "submitted_via_web",
                        "_submission__submitted_by": "",
                        "_submission___version__": FORM_VERSION,
                        "_submission__tags": "",
                    }
                )
        yield row, rep_rows


def main_sheet_name(form: FormSpec) -> str:
    return form.title_en[:31]


def write_kobo_xlsx(
    path: Path | str,
    *,
    submissions: int,
    sites: Sequence,
    seed: int = 1,
    visit_date: date = date(2014, 2, 3),
    form: FormSpec | None = None,
) -> Path:
    """A KoboToolbox-style XLSX export (main sheet + one sheet per repeat group)."""
    form = form or site_assessment_form()
    main_cols, repeat_cols = kobo_columns(form)
    headers = [h for h, _ in main_cols]
    repeat_rows: dict[str, list[list]] = {name: [cols] for name, cols in repeat_cols.items()}
    # The repeat rows are far fewer than the main rows; they are collected while the
    # main sheet streams out, then written as their own sheets.
    rep_name = next(iter(repeat_cols), None)

    def main_rows():
        yield headers
        for row, reps in generate(
            submissions=submissions, sites=sites, seed=seed, visit_date=visit_date, form=form
        ):
            yield [row.get(h, "") for h in headers]
            if rep_name:
                cols = repeat_cols[rep_name]
                repeat_rows[rep_name].extend([r.get(c, "") for c in cols] for r in reps)

    # The main sheet's size is known before it is written (a header and a row a
    # submission): declared, so that the intake shows "1,000 of 100,000" as it reads.
    sheets: list = [(main_sheet_name(form), _Rows(main_rows, submissions + 1))]
    # write_xlsx consumes sheets in order, so the repeat rows are complete by then.
    sheets += [(name, _LazyRows(repeat_rows, name)) for name in repeat_cols]
    write_xlsx(path, sheets)
    return Path(path)


class _Rows:
    """Rows produced as they are written, with their number known in advance."""

    def __init__(self, produce, n: int) -> None:
        self.produce, self.n = produce, n

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        return self.produce()


class _LazyRows:
    """A repeat sheet's rows, collected while the main sheet is written (their number is
    asked when the sheet starts, by then complete)."""

    def __init__(self, store: dict[str, list[list]], name: str) -> None:
        self.store, self.name = store, name

    def __len__(self) -> int:
        return len(self.store[self.name])

    def __iter__(self):
        return iter(self.store[self.name])


def write_kobo_csv(
    path: Path | str,
    *,
    submissions: int,
    sites: Sequence,
    seed: int = 1,
    visit_date: date = date(2014, 2, 3),
    sep: str = ";",
    group_sep: str = "/",
    encoding: str = "utf-8-sig",
    form: FormSpec | None = None,
) -> Path:
    """The same data as a KoboToolbox CSV export (which leaves repeat groups out)."""
    form = form or site_assessment_form()
    main_cols, _ = kobo_columns(form)
    headers = [h for h, _ in main_cols]
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=sep)
        writer.writerow([h.replace("/", group_sep) if not h.startswith("_") else h for h in headers])
        for row, _ in generate(
            submissions=submissions, sites=sites, seed=seed, visit_date=visit_date, form=form
        ):
            writer.writerow(["" if row.get(h) is None else row.get(h, "") for h in headers])
    return Path(path)


def kobo_api_records(
    *,
    submissions: int,
    sites: Sequence,
    seed: int = 1,
    visit_date: date = date(2014, 2, 3),
    form: FormSpec | None = None,
) -> list[dict]:
    """The same data as KoboToolbox API v2 JSON records (`/api/v2/assets/{uid}/data/`)."""
    form = form or site_assessment_form()
    out = []
    for row, reps in generate(
        submissions=submissions, sites=sites, seed=seed, visit_date=visit_date, form=form
    ):
        rec: dict = {}
        for key, value in row.items():
            if value in ("", None) or key in KOBO_META_COLUMNS:
                continue
            last = key.rsplit("/", 1)[-1]
            if last.startswith("_") and last.endswith(("_latitude", "_longitude", "_altitude", "_precision")):
                continue
            parent = key.rsplit("/", 1)[0]
            if parent in row and "/" in key and key.count("/") >= 2 and parent != key:
                continue  # select_multiple detail column: the API has only the summary
            rec[key] = str(value) if not isinstance(value, str) else value
        if reps:
            group_key = next(iter(k for k in reps[0] if "/flow_" in k)).rsplit("/", 1)[0]
            rec[group_key] = [
                {k: str(v) for k, v in r.items() if not k.startswith("_") and v not in ("", None)}
                for r in reps
            ]
        gps = str(row.get("grp_location/site_gps", "")).split()
        rec.update(
            {
                "_id": row["_id"],
                "_uuid": row["_uuid"],
                "formhub/uuid": "0f9a5c6b1f2d4e3a8b7c6d5e4f3a2b1c",
                "__version__": FORM_VERSION,
                "meta/instanceID": f"uuid:{row['_uuid']}",
                "_xform_id_string": "aSiteTrackDemo",
                "_submission_time": row["_submission_time"],
                "_submitted_by": None,
                "_status": "submitted_via_web",
                "_geolocation": [float(gps[0]), float(gps[1])] if gps else [None, None],
                "_attachments": [],
                "_tags": [],
                "_notes": [],
                "_validation_status": {},
            }
        )
        out.append(rec)
    return out


def write_odk_zip(
    path: Path | str,
    *,
    submissions: int,
    sites: Sequence,
    seed: int = 1,
    visit_date: date = date(2014, 2, 3),
    form: FormSpec | None = None,
) -> Path:
    """The same data as an ODK Central "CSV zip" export: the main CSV (groups joined by
    `-`, geopoints split into -Latitude/-Longitude/-Altitude/-Accuracy, SubmissionDate,
    KEY, …) and one CSV per repeat linked by PARENT_KEY."""
    import io
    import zipfile

    form = form or site_assessment_form()
    main_cols, repeat_cols = kobo_columns(form)
    present = {h for h, _ in main_cols}
    fields = []
    for h, f in main_cols:
        if h.startswith("_") or h.rsplit("/", 1)[-1].startswith("_") or h in KOBO_META_COLUMNS:
            continue
        if "/" in h and h.rsplit("/", 1)[0] in present:
            continue  # select_multiple detail column: ODK has only the answer
        fields.append((h, f))
    headers = ["SubmissionDate"]
    for h, f in fields:
        base = h.replace("/", "-")
        if f is not None and f.base_type == "geopoint":
            headers += [f"{base}-{p}" for p in ("Latitude", "Longitude", "Altitude", "Accuracy")]
        else:
            headers.append(base)
    headers += ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "ReviewState", "FormVersion"]
    rep_name = next(iter(repeat_cols), None)
    rep_fields = [c for c in repeat_cols.get(rep_name, []) if not c.rsplit("/", 1)[-1].startswith("_")]
    main_out, rep_out = io.StringIO(), io.StringIO()
    main_w, rep_w = csv.writer(main_out), csv.writer(rep_out)
    main_w.writerow(headers)
    rep_w.writerow([c.replace("/", "-") for c in rep_fields] + ["PARENT_KEY", "KEY"])
    for row, reps in generate(
        submissions=submissions, sites=sites, seed=seed, visit_date=visit_date, form=form
    ):
        key = f"uuid:{row['_uuid']}"
        out = [row["_submission_time"] + ".000Z"]
        for h, f in fields:
            value = row.get(h, "")
            if f is not None and f.base_type == "geopoint":
                parts = str(value).split() if value else []
                out += (parts + ["", "", "", ""])[:4]
            else:
                out.append("" if value is None else value)
        out += [key, key, "5", "enumerator", "", FORM_VERSION]
        main_w.writerow(out)
        for n, r in enumerate(reps, start=1):
            rep_w.writerow([r.get(c, "") for c in rep_fields] + [key, f"{key}/{rep_name}[{n}]"])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("SiteTrack.csv", main_out.getvalue())
        if rep_name:
            zf.writestr(f"SiteTrack-{rep_name}.csv", rep_out.getvalue())
    return Path(path)


def write_kobo_label_csv(
    path: Path | str,
    *,
    submissions: int,
    sites: Sequence,
    seed: int = 1,
    visit_date: date = date(2014, 2, 3),
    lang: str = "en",
    form: FormSpec | None = None,
) -> Path:
    """A KoboToolbox CSV export made with "labels" instead of "XML values and headers":
    question labels as headers, choice labels as values (in `lang`)."""
    form = form or site_assessment_form()
    main_cols, _ = kobo_columns(form)
    present = {h for h, _ in main_cols}
    label = (lambda x: x.label_fr) if lang == "fr" else (lambda x: x.label_en)
    cols = []
    for h, f in main_cols:
        if "/" in h and h.rsplit("/", 1)[0] in present:
            continue
        cols.append((h, f))
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow([label(f) if f is not None and label(f) else h for h, f in cols])
        for row, _ in generate(
            submissions=submissions, sites=sites, seed=seed, visit_date=visit_date, form=form
        ):
            out = []
            for h, f in cols:
                value = row.get(h, "")
                if f is not None and f.list_name and value not in ("", None):
                    names = {c.name: label(c) for c in form.choices[f.list_name]}
                    if f.base_type == "select_one":
                        value = names.get(str(value), value)
                    else:
                        value = " ".join(names.get(v, v) for v in str(value).split())
                out.append("" if value is None else value)
            writer.writerow(out)
    return Path(path)
