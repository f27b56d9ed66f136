"""The report in a real browser (ACTUALS.md, "Tested in a real browser"): headless Chromium opens
the page from `file://` with networking off; nothing else is requested, nothing logs an error,
every chart's marks lie inside its box, and the malicious title reads as text. A full-page
screenshot is kept in tests/artifacts/ (ignored by git) for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import MALICIOUS, render

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"]

# Every mark of every chart, with its own box and its <svg>'s, in page coordinates.
MARKS = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  return {label: svg.getAttribute('aria-label'), box: [box.left, box.top, box.right, box.bottom],
          marks: [...svg.querySelectorAll('path, circle, rect, line, text')].map(m => {
            const r = m.getBoundingClientRect();
            return [m.tagName + '.' + (m.getAttribute('class') || ''), r.left, r.top, r.right, r.bottom];
          })};
})"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)")
def test_report_in_headless_chromium(tmp_path, status_json, lint_json):
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render(status_json, lint_json), encoding="utf-8")
    url = page_file.as_uri()
    requests, errors, dialogs = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")

            charts = page.evaluate(MARKS)
            title_shown = page.get_by_text(MALICIOUS, exact=True)
            title_count, title_visible = title_shown.count(), title_shown.first.is_visible()
            scripts = page.locator("script").count()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()

    assert requests == [url]
    assert errors == []
    assert dialogs == [] and scripts == 0
    assert (title_count, title_visible) == (1, True)
    with_target = [m for m in status_json["metrics"] if m["target"]]
    assert len(charts) == len(with_target)
    for chart in charts:
        left, top, right, bottom = chart["box"]
        assert right - left > 100 and bottom - top > 40, chart["label"]
        outside = [mark for mark in chart["marks"]
                   if not (left - 0.5 <= mark[1] and mark[3] <= right + 0.5 and top - 0.5 <= mark[2] and mark[4] <= bottom + 0.5)]
        assert len(chart["marks"]) > 10 and outside == [], (chart["label"], outside)
