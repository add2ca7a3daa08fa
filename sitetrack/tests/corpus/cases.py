"""Hostile files and payloads, built from a small good file per importer.

A `Case` says what it is, the bytes, the file name, and what must happen:
- "refuse": the importer refuses it with a message; nothing is written;
- "handle": it may be read (a valid file in an odd shape) or refused, but never crashes,
  never leaves a run unfinished, and what is written is what the file says.
`xfail` names the item of issue 12 that another engineer is fixing, when the case fails
today: the test is marked xfail(strict=True) so it fails as soon as the fix lands.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    id: str
    filename: str
    content: bytes
    expect: str = "refuse"  # or "handle"
    xfail: str = ""


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(uncompressed_mb: int = 120) -> bytes:
    """An XLSX-shaped zip whose one sheet inflates to `uncompressed_mb` MB of XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr(
            "xl/workbook.xml", b'<?xml version="1.0"?><workbook><sheets><sheet name="s"/></sheets></workbook>'
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<row><c><v>0</v></c></row>" * 40_000
            for _ in range(uncompressed_mb * 1024 * 1024 // len(chunk)):
                sheet.write(chunk)
    return buffer.getvalue()


def generic(prefix: str, good: bytes, sep: bytes = b";", xfails: dict[str, str] | None = None) -> list[Case]:
    """The cases every file importer meets, built from its good CSV."""
    xfails = xfails or {}
    header, *rows = good.splitlines()
    noise = random.Random(12).randbytes(4096)
    cases = [
        Case("empty", "empty.csv", b""),
        Case("bom-only", "bom.csv", b"\xef\xbb\xbf"),
        Case("blank-lines", "blank.csv", b"\n\n   \n\t\n"),
        Case("header-only", "header.csv", header + b"\n", expect="handle"),
        Case("random-binary", "noise.csv", noise),
        Case("random-binary-xlsx", "noise.xlsx", noise),
        Case(
            "pdf-named-xlsx",
            "report.xlsx",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        ),
        Case(
            "html-named-csv",
            "page.csv",
            b"<html><body><script>alert(1)</script><table><tr><td>x</td></tr></table></body></html>",
        ),
        Case("json-named-csv", "data.csv", json.dumps({"a": [1, 2, {"b": None}]}).encode()),
        Case("zip-of-text-named-xlsx", "archive.xlsx", _zip({"readme.txt": b"hello"})),
        Case("truncated-xlsx", "truncated.xlsx", _zip({"xl/workbook.xml": b"<workbook/>" * 500})[:300]),
        Case("zip-bomb", "bomb.xlsx", zip_bomb()),
        Case("nul-bytes", "nul.csv", good.replace(sep, b"\x00" + sep, 3), expect="handle"),
        Case(
            "ten-mb-cell", "bigcell.csv", header + b"\n" + rows[0] + sep + b"x" * (10 * 1024 * 1024) + b"\n"
        ),
        Case(
            "twenty-thousand-columns",
            "wide.csv",
            sep.join(b"c%d" % i for i in range(20_000)) + b"\n" + b"1" * 10 + b"\n",
        ),
        Case("utf16-without-bom", "utf16.csv", good.decode("utf-8").encode("utf-16-le"), expect="handle"),
        Case("latin1", "latin1.csv", good.decode("utf-8").encode("latin-1", "replace"), expect="handle"),
        Case(
            "mixed-line-endings",
            "mixed.csv",
            b"\r\n".join(good.splitlines()[:2]) + b"\r" + b"\n".join(good.splitlines()[2:]) + b"\n",
            expect="handle",
        ),
        Case(
            "duplicate-headers",
            "dupheader.csv",
            header + sep + header + b"\n" + b"\n".join(r + sep + r for r in rows) + b"\n",
            expect="handle",
        ),
        Case("unterminated-quote", "quote.csv", header + b"\n" + b'"' + rows[0] + b"\n", expect="handle"),
    ]
    return [
        Case(f"{prefix}:{c.id}", c.filename, c.content, c.expect, xfails.get(c.id, c.xfail)) for c in cases
    ]


# --- the site master list --------------------------------------------------------------------
SITES_HEADER = "Site code;Site name;Site type;Admin P-code;Latitude;Longitude;Opened on"
SITES_GOOD = (
    SITES_HEADER + "\nCF7111-S101;Lycée Boganda;collective centre;CF7111;4.3700;18.5500;2014-01-10\n"
    "CF7111-S102;Eglise Sainte-Anne;collective centre;CF7111;4.3800;18.5600;2014-01-12\n"
).encode()


def _sites(rows: list[str]) -> bytes:
    return (SITES_HEADER + "\n" + "\n".join(rows) + "\n").encode()


def sites_cases() -> list[Case]:
    specific = [
        Case("unknown-pcode", "s.csv", _sites(["CF7111-S201;A;collective centre;CF9999;4.37;18.55;"])),
        Case("malformed-pcode", "s.csv", _sites(["CF7111-S202;A;collective centre;<b>CF</b>;4.37;18.55;"])),
        Case("pcode-sql", "s.csv", _sites(["CF7111-S203;A;collective centre;CF7111' OR '1'='1;4.37;18.55;"])),
        # Handled, not refused: the site lands without its point and a warning names the swap
        # (sites/tests/test_real_shapes.py asserts the warning and the missing point).
        Case(
            "swapped-coordinates",
            "s.csv",
            _sites(["CF7111-S204;A;collective centre;CF7111;18.55;4.37;"]),
            expect="handle",
        ),
        Case("latitude-out-of-range", "s.csv", _sites(["CF7111-S205;A;collective centre;CF7111;999;18.55;"])),
        Case(
            "nan-coordinates",
            "s.csv",
            _sites(["CF7111-S206;A;collective centre;CF7111;nan;nan;"]),
        ),
        Case(
            "duplicate-site-code", "s.csv", _sites(["CF7111-S207;A;collective centre;CF7111;4.37;18.55;"] * 2)
        ),
        Case(
            "unknown-site-type",
            "s.csv",
            _sites(["CF7111-S208;A;<script>alert(1)</script>;CF7111;4.37;18.55;"]),
        ),
        Case(
            "impossible-date",
            "s.csv",
            _sites(["CF7111-S209;A;collective centre;CF7111;4.37;18.55;2014-13-45"]),
            expect="handle",
        ),
        Case(
            "opened-in-2999",
            "s.csv",
            _sites(["CF7111-S210;A;collective centre;CF7111;4.37;18.55;2999-01-01"]),
            expect="handle",
        ),
        Case(
            "html-in-name",
            "s.csv",
            _sites(["CF7111-S211;<img src=x onerror=alert(1)>;collective centre;CF7111;4.37;18.55;"]),
            expect="handle",
        ),
        Case(
            "formula-in-name",
            "s.csv",
            _sites(['CF7111-S212;=HYPERLINK("http://x","y");collective centre;CF7111;4.37;18.55;']),
            expect="handle",
        ),
        Case(
            "arabic-indic-digits",
            "s.csv",
            _sites(["CF7111-S213;A;collective centre;CF7111;٤.٣٧;١٨.٥٥;"]),
            expect="handle",
        ),
    ]
    return generic("sites", SITES_GOOD) + [
        Case(f"sites:{c.id}", c.filename, c.content, c.expect, c.xfail) for c in specific
    ]


# --- COD admin-area tables --------------------------------------------------------------------
COD_GOOD = b"admin1Name_en,admin1Pcode,T_TL\nBangui,CF71,622771\nOmbella M'Poko,CF11,356725\n"


def cod_cases() -> list[Case]:
    specific = [
        Case("malformed-pcode", "adm1.csv", b"admin1Name_en,admin1Pcode\nNowhere,C F 7 1\n"),
        Case("html-pcode", "adm1.csv", b"admin1Name_en,admin1Pcode\nNowhere,<script>CF</script>\n"),
        Case("empty-pcodes", "adm1.csv", b"admin1Name_en,admin1Pcode\nA,\nB,\n"),
        Case(
            "population-1e30",
            "adm1.csv",
            b"admin1Name_en,admin1Pcode,T_TL\nBangui,CF71,1e30\n",
            expect="handle",
        ),
        Case(
            "html-in-name",
            "adm1.csv",
            b"admin1Name_en,admin1Pcode\n<img src=x onerror=alert(1)>,CF71\n",
            expect="handle",
        ),
        Case("duplicate-pcode", "adm1.csv", b"admin1Name_en,admin1Pcode\nA,CF98\nB,CF98\n", expect="handle"),
        Case(
            "deep-geojson",
            "adm.geojson",
            b'{"type":"FeatureCollection","features":' + b"[" * 5000 + b"]" * 5000 + b"}",
        ),
        Case("geojson-not-features", "adm.geojson", b'{"type":"FeatureCollection","features":"x"}'),
    ]
    sep_good = COD_GOOD
    return generic("cod", sep_good, sep=b",") + [
        Case(f"cod:{c.id}", c.filename, c.content, c.expect, c.xfail) for c in specific
    ]


# --- KoboToolbox / ODK exports ------------------------------------------------------------------


def intake_cases(good: bytes) -> list[Case]:
    """`good` is a Kobo CSV export made by demo.fake_export for the base case's sites."""
    text = good.decode("utf-8-sig")
    header, *rows = text.splitlines()
    columns = header.split(";")

    def with_value(column_part: str, value: str) -> bytes:
        index = next(i for i, c in enumerate(columns) if column_part in c)
        out = [header]
        for row in rows:
            cells = row.split(";")
            cells[index] = value
            out.append(";".join(cells))
        return ("\n".join(out) + "\n").encode()

    def duplicated_uuid() -> bytes:
        index = next(i for i, c in enumerate(columns) if c.endswith("_uuid"))
        first = rows[0].split(";")
        second = rows[1].split(";")
        second[index] = first[index]
        return ("\n".join([header, ";".join(first), ";".join(second)]) + "\n").encode()

    specific = [
        Case("impossible-date", "kobo.csv", with_value("visit_date", "2014-13-45")),
        Case("count-1e30", "kobo.csv", with_value("individuals", "1e30")),
        Case(
            "count-23-digits",
            "kobo.csv",
            with_value("individuals", "12345678901234567890123"),
        ),
        Case("duplicate-uuid", "kobo.csv", duplicated_uuid(), expect="handle"),
        Case("unknown-site-code", "kobo.csv", with_value("site_code", "CF9999-S999")),
        Case("html-site-code", "kobo.csv", with_value("site_code", "<script>alert(1)</script>")),
        Case("negative-count", "kobo.csv", with_value("individuals", "-5")),
        Case("formula-in-observations", "kobo.csv", with_value("individuals", "=1+1")),
        Case("deep-json", "kobo.json", b"[" * 5000 + b"]" * 5000),
        Case("json-not-a-list", "kobo.json", b'{"results": "x"}'),
    ]
    return generic("intake", good) + [
        Case(f"intake:{c.id}", c.filename, c.content, c.expect, c.xfail) for c in specific
    ]


# --- API payloads ------------------------------------------------------------------------------
def deep(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = {"a": value}
    return value


# (id, URL name, body, xfail)
API_PAYLOADS: list[tuple[str, str, object, str]] = [
    ("sites-null-body", "api-sites", None, ""),
    ("sites-bare-string", "api-sites", "x", ""),
    ("sites-list-body", "api-sites", [1, 2], ""),
    ("sites-deep-json", "api-sites", deep(3000), ""),
    (
        "sites-html-everywhere",
        "api-sites",
        {"code": "<b>x</b>", "name": "<script>alert(1)</script>", "site_type": "<i>", "admin_area": "<p>"},
        "",
    ),
    (
        "sites-huge-number",
        "api-sites",
        {
            "code": "CF7111-S900",
            "name": "x",
            "site_type": "collective_centre",
            "admin_area": "CF7111",
            "capacity": 10**23,
        },
        "",
    ),
    (
        "sites-nan-latitude",
        "api-sites",
        {
            "code": "CF7111-S901",
            "name": "x",
            "site_type": "collective_centre",
            "admin_area": "CF7111",
            "latitude": "NaN",
        },
        "",
    ),
    ("rounds-null-body", "api-rounds", None, ""),
    ("rounds-bare-string", "api-rounds", "x", ""),
    ("rounds-deep-json", "api-rounds", deep(3000), ""),
    (
        "assessments-values-string",
        "api-assessments",
        {"site": "CF7111-S001", "round": 1, "values": "x"},
        "",
    ),
    (
        "assessments-round-abc",
        "api-assessments",
        {"site": "CF7111-S001", "round": "abc", "values": {}},
        "",
    ),
    ("assessments-deep-json", "api-assessments", deep(3000), ""),
    ("token-deep-json", "api-token-obtain", deep(3000), ""),
    ("token-wrong-types", "api-token-obtain", {"username": ["a"], "password": {"x": 1}, "days": "many"}, ""),
]
