"""Pulling submissions from KoboToolbox (kpi API v2), incrementally and resumably.

    GET {server}/api/v2/assets/{uid}/data/?format=json&limit=N
        &query={"_submission_time":{"$gt":"<last pulled>"}}&sort={"_submission_time":1}

with `Authorization: Token <KOBO_API_TOKEN>`, following `next` until it is null. Each
page is imported as its own ImportRun (source "kobo"), through the same import as files
(idempotent by submission UUID). After each page lands, KoboPullState records the newest
`_submission_time` imported and the URL of the next page: a pull that stops (network
down, process killed) resumes from that page, and the next pull asks only for newer
submissions.

The HTTP transport is a small callable so that tests serve recorded responses without a
network: `transport(url, headers, timeout) -> (status, body bytes)`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from sitetrack.intake.models import ImportRun, ImportSource, ImportStatus, KoboPullState
from sitetrack.intake.run_errors import error_message

Transport = Callable[[str, dict, float], tuple[int, bytes]]
PAGE_SIZE = 1000  # the most kpi returns in one page
TIMEOUT = 60.0


class KoboError(Exception):
    """A pull that cannot go on; `rule` names the problem (auth, not_found, timeout, …)."""

    def __init__(self, message: str, *, rule: str, url: str = "") -> None:
        super().__init__(message)
        self.message, self.rule, self.url = message, rule, url

    def __str__(self) -> str:
        return f"{self.message} [{self.rule}]"


def urllib_transport(url: str, headers: dict, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - an https URL we built
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read() or b""


def data_url(server: str, asset_uid: str, *, since: str = "", limit: int = PAGE_SIZE) -> str:
    """The first page of an asset's submissions newer than `since`, oldest first."""
    params = {"format": "json", "limit": str(limit)}
    if since:
        params["query"] = json.dumps({"_submission_time": {"$gt": since}}, separators=(",", ":"))
    params["sort"] = json.dumps({"_submission_time": 1}, separators=(",", ":"))
    return f"{server.rstrip('/')}/api/v2/assets/{asset_uid}/data/?{urlencode(params)}"


def fetch_page(url: str, *, token: str, transport: Transport, timeout: float = TIMEOUT) -> dict:
    """One data page as a dict with `results` (and `next`); KoboError with a clear message
    for everything else."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    try:
        status, body = transport(url, headers, timeout)
    except TimeoutError as exc:
        raise KoboError(
            _("KoboToolbox did not answer within %(s)s seconds. Try again later.") % {"s": int(timeout)},
            rule="timeout",
            url=url,
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise KoboError(
            _("Cannot reach the KoboToolbox server: %(error)s") % {"error": getattr(exc, "reason", exc)},
            rule="unreachable",
            url=url,
        ) from exc
    if status in (401, 403):
        raise KoboError(
            _(
                "KoboToolbox refused the API token (HTTP %(status)s). Check KOBO_API_TOKEN and that its "
                "account may view this project's submissions."
            )
            % {"status": status},
            rule="auth",
            url=url,
        )
    if status == 404:
        raise KoboError(
            _(
                "KoboToolbox has no such project (asset) on this server (HTTP 404). Check the server and asset UID."
            ),
            rule="not_found",
            url=url,
        )
    if status >= 400:
        raise KoboError(
            _("KoboToolbox answered HTTP %(status)s.") % {"status": status}, rule="http_error", url=url
        )
    try:
        page = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KoboError(
            _("KoboToolbox answered with something that is not JSON (%(error)s).") % {"error": exc},
            rule="malformed_json",
            url=url,
        ) from exc
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise KoboError(
            _("KoboToolbox's answer has no 'results' list: is this a data endpoint?"),
            rule="malformed_json",
            url=url,
        )
    return page


@dataclass
class PullResult:
    pages: int = 0
    submissions: int = 0
    runs: list[ImportRun] = field(default_factory=list)
    last_submission_time: str = ""

    def totals(self) -> dict[str, int]:
        keys = ("new", "updated", "unchanged", "rejected", "held", "warnings")
        return {k: sum(getattr(r, k) for r in self.runs) for k in keys}


def kobo_pull(
    *,
    operation,
    round,
    user,
    server: str = "",
    asset_uid: str,
    token: str | None = None,
    mapping=None,
    page_size: int = PAGE_SIZE,
    transport: Transport | None = None,
    timeout: float = TIMEOUT,
    progress: Callable[[int, int], None] | None = None,
) -> PullResult:
    """Import every submission newer than the last pull, page by page (see the module)."""
    from sitetrack.intake.services import import_run_create, import_run_execute

    server = (server or getattr(settings, "KOBO_SERVER", "")).rstrip("/")
    if not server:
        raise KoboError(_("No KoboToolbox server: give --server or set KOBO_SERVER."), rule="config")
    token = token if token is not None else getattr(settings, "KOBO_API_TOKEN", "")
    transport = transport or urllib_transport
    state, _created = KoboPullState.objects.get_or_create(
        operation=operation, server=server, asset_uid=asset_uid
    )
    url = state.next_url or data_url(server, asset_uid, since=state.last_submission_time, limit=page_size)
    result = PullResult(last_submission_time=state.last_submission_time)
    while url:
        page = fetch_page(url, token=token, transport=transport, timeout=timeout)
        records = [r for r in page["results"] if isinstance(r, dict)]
        next_url = page.get("next") or ""
        if records:
            run = import_run_create(
                operation=operation,
                round=round,
                user=user,
                path=None,
                file_name=f"kobo {asset_uid} page {state.pages + 1}",
                mapping=mapping,
                source=ImportSource.KOBO,
            )
            run = import_run_execute(run=run, records=records)
            result.runs.append(run)
            if run.status != ImportStatus.DONE:
                err = run.error or {}
                raise KoboError(
                    _("The import of a page failed: %(message)s") % {"message": error_message(err)},
                    rule=err.get("rule", "import_failed"),
                    url=url,
                )
            newest = max((str(r.get("_submission_time") or "") for r in records), default="")
            if newest > state.last_submission_time:
                state.last_submission_time = newest
            state.pages += 1
            state.submissions += len(records)
            result.pages += 1
            result.submissions += len(records)
        # Saved after each page: a pull that stops here resumes with the next page.
        state.next_url = next_url
        state.save()
        if progress is not None:
            progress(result.submissions, int(page.get("count") or result.submissions))
        url = next_url
    result.last_submission_time = state.last_submission_time
    return result
