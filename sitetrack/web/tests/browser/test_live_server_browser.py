"""The live server the browser tests use answers a page's parallel requests as production
does: on an in-memory SQLite database (one connection shared with the server's threads) it
handles them one at a time, so none of them reads a statement another thread reset (the map's
backdrop once answered 400 "no admin area CF" that way)."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def test_parallel_requests_all_get_their_answer(world, live_server) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world.imani)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    urls = [
        "/api/admin-areas/geojson/?level=0&country=CF&simplify=0.01",
        "/api/admin-areas/geojson/?level=1&country=CF&simplify=0.005",
        "/sites/map/data.json",
        "/sites/map/",
    ] * 25

    def status(url: str) -> tuple[int, str]:
        request = urllib.request.Request(live_server.url + url, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, url
        except urllib.error.HTTPError as error:
            return error.code, url

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(status, urls))
    assert [a for a in answers if a[0] != 200] == []
