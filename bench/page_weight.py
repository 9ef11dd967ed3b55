"""Page weight of the dashboard and a KPI page for a SYNTHETIC national
organisation: the HTML, and every stylesheet and script it links, raw and
gzipped as whitenoise serves them (compression level 9, as its
``CompressedManifestStaticFilesStorage`` writes the .gz files). The chart
bundle (plotly) is listed but left out of the total: it is cached for a
year under its hashed name after the first page.

No GZipMiddleware is installed, so the HTML is counted as sent (raw) and,
for reference, gzipped (if a proxy compresses it).
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national \
     .venv/bin/python bench/page_weight.py
"""

import gzip
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

AIM_KB = 300
_LINKED = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def _gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def weigh(client, url: str) -> None:
    html = client.get(url).content
    print(f"{url}")
    print(f"  {'HTML':<58} {len(html) / 1024:7.1f} kB raw {_gzipped(html) / 1024:7.1f} kB gzip")
    total_raw, total_gzip = len(html), len(html)  # the HTML goes uncompressed
    for href in _LINKED.findall(html.decode()):
        path = Path(settings.STATIC_ROOT) / href.removeprefix(settings.STATIC_URL)
        data = path.read_bytes()
        chart = "plotly" in href
        note = "  (chart bundle: cached, not counted)" if chart else ""
        print(
            f"  {href:<58} {len(data) / 1024:7.1f} kB raw {_gzipped(data) / 1024:7.1f} kB gzip"
            f"{note}"
        )
        if not chart:
            total_raw += len(data)
            total_gzip += _gzipped(data)
    verdict = "within" if total_gzip / 1024 < AIM_KB else "OVER"
    print(
        f"  total without the chart bundle: {total_gzip / 1024:.1f} kB transferred "
        f"(static gzipped, HTML raw; {total_raw / 1024:.1f} kB uncompressed): "
        f"{verdict} the {AIM_KB} kB aim"
    )


def main() -> None:
    _common.prepare()
    client = Client()
    client.force_login(_common.bench_user())
    print(_common.machine())
    weigh(client, f"/o/{_common.SLUG}/")
    weigh(client, f"/o/{_common.SLUG}/kpi/SYN1/")


if __name__ == "__main__":
    main()
