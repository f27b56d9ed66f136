"""The report in a real browser (ACTUALS.md, "Tested in a real browser"): headless Chromium opens
the page `metricspec report` wrote for the bundled examples and their actuals (examples/actuals; a node titled
with a script, to show it reads as text) from `file://` with networking off; nothing else is
requested, nothing logs an error, every chart's marks lie inside its box. A full-page
screenshot is kept in tests/artifacts/ (ignored by git) for a person to look at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import MALICIOUS, SOURCE, TODAY, copy_examples

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


def open_in_chromium(page_file: Path, screenshot: Path, clip_height=None) -> dict:
    """What Chromium shows of `page_file` opened from file:// offline: requests, errors, dialogs,
    scripts, the charts' marks, the malicious title's matches; the page saved as `screenshot`."""
    from playwright.sync_api import sync_playwright

    url = page_file.as_uri()
    seen: dict = {"url": url, "requests": [], "errors": [], "dialogs": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
            page = context.new_page()
            page.on("request", lambda request: seen["requests"].append(request.url))
            page.on("console", lambda message: message.type == "error" and seen["errors"].append(message.text))
            page.on("pageerror", lambda error: seen["errors"].append(str(error)))
            page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
            seen["charts"] = page.evaluate(MARKS)
            title_shown = page.get_by_text(MALICIOUS, exact=True)
            seen["title"] = (title_shown.count(), title_shown.count() > 0 and title_shown.first.is_visible())
            seen["scripts"] = page.locator("script").count()
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            if clip_height:
                page.screenshot(path=str(screenshot), clip={"x": 0, "y": 0, "width": 1200, "height": clip_height},
                                full_page=True)
            else:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return seen


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)")
def test_report_in_headless_chromium(run, tmp_path):
    # The bundled examples and their actuals, a node of one titled with a script.
    names = copy_examples(tmp_path, ("title: Grow enterprise ARR from $12M to $14.4M (+20%) by the end of 2027",
                                     f"title: {json.dumps(MALICIOUS)}"))
    result = run("report", *names, "--source", SOURCE, "--today", TODAY, "--output", "report.html")
    assert (result.exit_code, result.stderr) == (0, "")
    status = json.loads(run("status", *names, "--source", SOURCE, "--today", TODAY, "--format", "json").stdout)

    seen = open_in_chromium(tmp_path / "report.html", ARTIFACTS / "report.png")

    assert seen["requests"] == [seen["url"]]
    assert seen["errors"] == []
    assert seen["dialogs"] == [] and seen["scripts"] == 0
    assert seen["title"] == (1, True)
    charts = seen["charts"]
    with_target = [m for m in status["metrics"] if m["target"]]
    assert len(with_target) > 20 and len(charts) == len(with_target)
    for chart in charts:
        left, top, right, bottom = chart["box"]
        assert right - left > 100 and bottom - top > 40, chart["label"]
        outside = [mark for mark in chart["marks"]
                   if not (left - 0.5 <= mark[1] and mark[3] <= right + 0.5 and top - 0.5 <= mark[2] and mark[4] <= bottom + 0.5)]
        assert len(chart["marks"]) > 10 and outside == [], (chart["label"], outside)
