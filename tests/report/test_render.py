"""The report page from status's and lint's JSON: escaping, the CSP, no reference leaving the file,
the same bytes twice, the content in ACTUALS.md's order, badges, tables and the diff section."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from metricspec.report.render import STATUSES, _point_rows, element_id

from .conftest import HERE, MALICIOUS, TODAY, render
from .test_chart import dots

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
REFERENCING = {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "background", "data",
               "manifest", "ping", "codebase", "cite", "longdesc", "usemap"}


class Page(HTMLParser):
    """Every start tag with its attributes, every text run, and the text of <style> elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.styles, self._in = [], [], [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag):]

    def handle_data(self, data):
        (self.styles if self._in and self._in[-1] == "style" else self.text).append(data)

    def find(self, tag: str, **attrs) -> list:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


@pytest.fixture
def html(status_json, lint_json) -> str:
    return render(status_json, lint_json)


def test_a_malicious_title_is_text(html):
    assert "<script" not in html.lower()
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert MALICIOUS in Page(html).text  # what a reader sees, once decoded: the title as written
    assert not Page(html).find("script")


def test_spec_text_with_markup_characters_is_escaped(status_json, lint_json):
    status = copy.deepcopy(status_json)
    metric = status["metrics"][0]
    metric["name"] = 'Revenue <b>"net"</b> & gross'
    metric["definition"]["decision"] = "<img src=x onerror=alert(1)>"
    html = render(status, lint_json)
    assert "<b>" not in html and "<img" not in html and 'Revenue <b>"net"' not in html
    assert "Revenue &lt;b&gt;&#34;net&#34;&lt;/b&gt; &amp; gross" in html
    assert 'aria-label="Revenue &lt;b&gt;&quot;net&quot;&lt;/b&gt; &amp; gross: 5 actuals' in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'Revenue <b>"net"</b> & gross' in Page(html).text


def test_the_content_security_policy_forbids_everything_but_inline_styles(html):
    page = Page(html)
    policies = page.find("meta", http_equiv="Content-Security-Policy")
    assert [p["content"] for p in policies] == [CSP]
    head = [tag for tag, _ in page.tags[: [t for t, _ in page.tags].index("body")]]
    assert head.index("meta") < head.index("style") and "link" not in head and "base" not in head


def test_nothing_refers_outside_the_file(html):
    page = Page(html)
    ids = {a["id"] for _, a in page.tags if "id" in a}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in REFERENCING:
                # Only links to elements of the page itself.
                assert name == "href" and value.startswith("#") and value[1:] in ids, (tag, name, value)
            if name == "style":
                assert "url(" not in value.lower(), (tag, value)
    css = "".join(page.styles).lower()
    assert css and "@import" not in css and "@font-face" not in css
    # The only url() is the dot marker's, an element of the page.
    assert re.findall(r"url\(([^)]*)\)", css) == ["#dot"] and "dot" in ids
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//|data:|javascript:)""", html, re.I)


def test_the_same_input_gives_the_same_bytes(status_json, lint_json):
    assert render(status_json, lint_json) == render(copy.deepcopy(status_json), copy.deepcopy(lint_json))


def test_the_same_bytes_across_processes():
    """Hash seeds change set and dict-of-set orders between runs: nothing on the page may."""
    probe = (
        "import json, sys\nfrom tests.report.conftest import load, render\n"
        "sys.stdout.buffer.write(render(load('status.json'), load('lint.json')).encode('utf-8'))\n"
    )
    root = HERE.parent.parent
    pages = [subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, check=True,
                            env=dict(os.environ, PYTHONHASHSEED=seed)).stdout for seed in ("1", "2")]
    assert pages[0] == pages[1] and len(pages[0]) > 10_000


def test_content_in_the_documented_order(html, status_json, lint_json):
    diff = json.loads(DIFF)
    html = render(status_json, lint_json, diff)
    marks = ["<h1>Acme Analytics</h1>", "weekly-report-builders</a> <span class=\"s-at-risk\">",
             'id="statuses"', 'id="hierarchy"', 'id="metrics"', 'id="findings"', 'id="changes"', "<footer>"]
    positions = [html.index(mark) for mark in marks]
    assert positions == sorted(positions)
    cards = re.findall(r'<article class="card" id="([^"]+)"', html)
    assert cards == [element_id("metric", m["id"], m["segment"]) for m in status_json["metrics"]]
    footer = html[html.index("<footer>"):]
    assert "metricspec 0.1.0" in footer and f"status on {TODAY}" in footer and "<code>metricspec.db</code>" in footer


def test_the_header_shows_the_north_star_with_its_status_and_latest_value(html):
    header = html[html.index("<header>"):html.index("</header>")]
    assert 'href="#metric--weekly-report-builders">weekly-report-builders</a>' in header
    assert '<span class="s-at-risk">▲ at-risk</span> <span class="muted">latest 1,390 on 2026-11-30</span>' in header
    # Where every card's actuals came from, said once: a card names its own only when it differs.
    assert '<p class="muted">Status on 2026-12-01, actuals from <code>metricspec.db</code>.</p>' in header
    assert "<dd>growth</dd>" in header


def test_counts_per_status_in_rollup_order(html, status_json):
    section = html[html.index('id="statuses"'):html.index('id="hierarchy"')]
    rows = re.findall(r'<span class="s-([a-z-]+)">[^<]+</span></td><td class="num">(\d+)</td>', section)
    assert rows == [(s, str(status_json["statuses"][s])) for s in STATUSES]
    assert [s for s, _ in rows] == ["missed", "off-track", "at-risk", "stale", "no-data", "unpaced", "on-track", "met"]


def test_the_hierarchy_nests_nodes_with_their_rolled_up_status(html):
    section = html[html.index('id="hierarchy"'):html.index('id="metrics"')]
    order = re.findall(r'<li id="node--([a-z-]+)"><span class="level">(\w+)</span> <span class="s-([a-z-]+)">', section)
    assert order == [("enterprise-revenue", "objective", "missed"), ("analytics-adoption", "goal", "off-track"),
                     ("fast-first-report", "outcome", "at-risk"), ("saves-report-week-one", "behavior", "no-data"),
                     ("shares-report", "behavior", "unpaced"), ("migrate-legacy-dashboards", "goal", "missed")]
    # Nested: the outcome's list sits inside the goal's item, which sits inside the objective's.
    goal = section.index('id="node--analytics-adoption"')
    assert section.count("<ul>", 0, goal) == 2 and section.count("</ul>", 0, goal) == 1
    assert section.index('id="node--fast-first-report"') < section.index('href="#metric--time-to-first-report"') \
        < section.index('id="node--saves-report-week-one"')


def test_status_is_never_colour_alone(html):
    badges = re.findall(r'<span class="s-([a-z-]+)">([^<]+)</span>', html)
    assert badges
    for status, text in badges:
        if status in STATUSES:
            assert text == f"{STATUSES[status][0]} {status}"


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("status", list(STATUSES))
def test_white_on_every_status_colour_reads_at_4_5_to_1(status, html):
    colour = STATUSES[status][2]
    assert (1.0 + 0.05) / (_luminance(colour) + 0.05) >= 4.5
    assert f".s-{status} {{ background: {colour}; }}" in html


def test_the_contrast_formula_tells_a_bad_colour():
    assert (1.05) / (_luminance("#FFA500") + 0.05) < 4.5  # orange on white fails


def _card(html: str, metric_id: str) -> str:
    start = html.index(f'<article class="card" id="metric--{metric_id}"')
    return html[start:html.index("</article>", start)]


def test_a_table_beside_every_chart(html, status_json):
    with_target = [m for m in status_json["metrics"] if m["target"]]
    assert html.count('<svg class="chart"') == len(with_target) == html.count("<caption>Figures</caption>")
    card = _card(html, "weekly-report-builders")
    figures = dict(re.findall(r'<tr><th>([^<]+)<td>([^<]+)', card))
    assert figures["Baseline (B)"] == "1,200 on 2026-07-01" and figures["Target (V)"] == "1,800 by 2027-06-30"
    assert figures["Latest (L)"] == "1,390 on 2026-11-30" and figures["Expected at the latest actual"] == "1,450.55"
    assert figures["Pacing"] == "0.7583" and figures["Progress"] == "31.7%"
    assert figures["Forecast at the deadline"] == "1,663.42 (8 points)"
    assert figures["Forecast reaches the target on"] == "2027-10-14"
    assert len(points(card)) == len(status_json["metrics"][2]["series"]) == 21
    assert points(card)[:2] == [("Jul 6, 2026", "1,191"), ("Jul 13", "1,216")] and points(card)[-1] == ("Nov 30", "1,390")
    # Two points a row, read across: a header of two (Date, Value) pairs, and 21 points in 11 rows.
    table = card[card.index('<table class="points">'):]
    assert "<thead><tr><th>Date<th>Value<th>Date<th>Value</thead>" in table and table.count("<tr>") == 1 + 11


def test_a_points_year_is_said_on_its_first_point_and_at_each_new_year():
    days = [dt.date(2026, 12, 20), dt.date(2026, 12, 27), dt.date(2027, 1, 3), dt.date(2027, 1, 10), dt.date(2028, 2, 29)]
    rows = _point_rows([(day, 1000.0 + k) for k, day in enumerate(days)], "USD")
    assert rows == [[("Dec 20, 2026", "$1,000"), ("Dec 27", "$1,001")], [("Jan 3, 2027", "$1,002"), ("Jan 10", "$1,003")],
                    [("Feb 29, 2028", "$1,004")]]


def points(card: str) -> list:
    """(date, value) of each point in a card's points table, in reading order."""
    table = card[card.index('<table class="points">'):]
    return re.findall(r"<td>([A-Z][a-z]{2} \d+(?:, \d{4})?)<td>([^<]+)", table[:table.index("</table>")])


def test_the_chart_says_its_numbers_in_a_sentence(html):
    assert ('aria-label="Weekly active report builders: 21 actuals from 2026-07-06 to 2026-11-30, the latest 1,390; '
            "trajectory from 1,200 on 2026-07-01 to 1,800 by 2027-06-30; expected 1,450.55 at the latest "
            'actual; forecast 1,663.42 at the deadline; status at-risk."') in html


def test_a_long_series_plots_forty_points(html):
    card = _card(html, "report-failure-rate")
    assert len(dots(card)) == 40 and len(points(card)) == 40
    assert points(card)[-1] == ("Nov 30", "3.1%") and points(card)[0][0].endswith(", 2026")


def test_a_maintain_target_draws_its_band(html):
    card = _card(html, "report-load-p90")
    assert '<rect class="band"' in card and 'class="trajectory"' not in card
    assert "<tr><th>Tolerance<td>± 0.25 s<" in card
    assert "target: maintain 2.5 s ± 0.25 s;" in card


def test_a_metric_without_data(html):
    card = _card(html, "week-one-report-savers")
    assert "no actuals yet" in card and dots(card) == [] and "○ no-data" in card
    assert '<path class="trajectory"' in card  # S and B are written: the trajectory is known
    assert "<tr><th>Latest (L)<td>no data<" in card


def test_an_unpaced_target_has_no_trajectory(html):
    card = _card(html, "report-sharing-rate")
    assert '<path class="trajectory"' not in card and 'class="rule deadline"' not in card and dots(card)


def test_a_card_shows_definition_segments_partners_and_findings(html):
    card = _card(html, "weekly-report-builders")
    assert "<dt>event<dd>report_saved<" in card and "<dt>owner<dd>pm-analytics<" in card
    assert "<dt>actuals from" not in card  # the page's source, said once in the header
    # One dimension: named once in the header, each row its value.
    assert "<thead><tr><th>plan_tier<th>Latest (2026-11-30)</thead>" in card and "<tr><td>enterprise<td>612<" in card
    assert ('guardrail: <a href="#metric--report-failure-rate">report-failure-rate</a> '
            '<span class="s-off-track">▼ off-track</span>') in card
    card = _card(html, "legacy-dashboards-migrated")
    assert re.findall(r'<code>([A-Z]\d{3})</code>', card) == ["A001", "T004"]
    # A partner that is not on the page is named, not linked.
    assert "pairs with: <code>trial-to-paid-rate</code>" in _card(html, "cac-payback")


def test_demotion_names_the_partner(html):
    assert "At risk rather than on track: <code>account-retention</code> worsened." in _card(html, "time-to-first-report")


def test_findings_summary_by_rule(html):
    section = html[html.index('id="findings"'):html.index("<footer>")]
    rows = re.findall(r'<tr><td><code>(\w+)</code></td><td>([a-z-]+)</td><td>([a-z, ]+)</td><td class="num">(\d+)</td>', section)
    assert rows == [("A001", "off-track-target", "warning", "3"), ("A002", "stale-actuals", "warning", "1"),
                    ("A003", "metric-myopia", "warning", "1"), ("A007", "target-already-met", "info", "1"),
                    ("O001", "crowded-node", "warning", "1"), ("T002", "no-deadline", "warning", "1"),
                    ("T004", "deadline-passed", "warning", "1"), ("V003", "no-decision", "info", "1")]
    assert "<p>0 errors, 8 warnings, 2 info.</p>" in section
    # A finding on a node has no card: it is listed below the summary.
    assert "<code>O001</code> crowded-node <code>analytics-adoption</code>" in section


def test_a_finding_in_both_reports_is_shown_once(status_json, lint_json):
    lint = copy.deepcopy(lint_json)
    lint["diagnostics"].append(status_json["diagnostics"][0])
    assert render(status_json, lint).count(escape(status_json["diagnostics"][0]["message"])) == 1


DIFF = """{
  "metricspec": "0.1.0",
  "base": {"rev": "origin/main", "sha": "1a2b3c4d5e6f1a2b3c4d5e6f1a2b3c4d5e6f1a2b", "worktree": false},
  "head": {"rev": null, "sha": "9f8e7d6c5b4a9f8e7d6c5b4a9f8e7d6c5b4a9f8e", "worktree": true},
  "files": {"base": 1, "head": 1}, "summary": {"error": 0, "warning": 1, "info": 1},
  "changes": [
    {"code": "D001", "name": "target-lowered", "severity": "info", "message": "value 2400 → 2200 (acknowledged)",
     "help": "", "subject": "weekly-report-builders", "side": "head", "path": "metrics/acme.metrics.yaml",
     "line": 31, "column": 19, "url": "", "related": [],
     "before": {"value": 2400, "baseline": 1800}, "after": {"value": 2200, "baseline": 1800},
     "acknowledged": {"status": "revised", "reason": "EU launch <moved> to FY2028", "line": 34}},
    {"code": "D002", "name": "deadline-extended", "severity": "warning", "message": "by 2027-03-31 → 2027-06-30",
     "help": "", "subject": "report-failure-rate", "side": "head", "path": "metrics/acme.metrics.yaml",
     "line": 110, "column": 19, "url": "", "related": [],
     "before": {"by": "2027-03-31"}, "after": {"by": "2027-06-30"}, "acknowledged": null}
  ]
}"""


def test_without_a_base_there_is_no_changes_section(html):
    assert 'id="changes"' not in html


def test_the_changes_since_a_base(status_json, lint_json):
    html = render(status_json, lint_json, json.loads(DIFF))
    section = html[html.index('id="changes"'):html.index("<footer>")]
    assert "Changes since origin/main</h2>" in section
    assert "origin/main → working tree: 0 error, 1 warning, 1 info." in section
    assert re.findall(r"<code>(D\d{3})</code>", section) == ["D001", "D002"]
    # The fields that moved, as diff's text shows them: the baseline stayed.
    assert "<td><code>{&#34;value&#34;: 2400}</code></td>\n<td><code>{&#34;value&#34;: 2200}</code></td>" in section
    assert "acknowledged (revised): “EU launch &lt;moved&gt; to FY2028”" in section


def test_element_ids_come_from_metric_ids(html):
    ids = [a["id"] for _, a in Page(html).tags if "id" in a]
    assert len(ids) == len(set(ids))
    assert element_id("metric", "weekly-report-builders") == "metric--weekly-report-builders"
    assert element_id("metric", "arr", "plan_tier=enterprise") == "metric--arr--plan_tier.3d.enterprise"
    assert element_id("metric", "a b") != element_id("metric", "a_b") != element_id("metric", "a.20.b")
    assert element_id("node", 'x"><script>') == "node--x.22..3e..3c.script.3e."


def test_one_card_per_segment_row(status_json, lint_json):
    status = copy.deepcopy(status_json)
    status["segment"] = "plan_tier"
    row = status["metrics"][2]
    status["metrics"][2:3] = [dict(row, segment="plan_tier=enterprise"), dict(row, segment="plan_tier=team")]
    html = render(status, lint_json)
    assert 'id="metric--weekly-report-builders--plan_tier.3d.enterprise"' in html
    assert 'id="metric--weekly-report-builders--plan_tier.3d.team"' in html
    assert ", segment <code>plan_tier</code>, actuals from <code>metricspec.db</code>." in html


def test_without_series_the_chart_plots_recent(status_json, lint_json):
    status = copy.deepcopy(status_json)
    for metric in status["metrics"]:
        del metric["series"]
    html = render(status, lint_json)
    assert len(dots(_card(html, "report-failure-rate"))) == 12


def test_lint_never_imports_jinja2():
    probe = (
        "import sys, datetime\nfrom metricspec.api import LintOptions, lint\n"
        "from metricspec.reporters import RenderOptions, render\n"
        "report = lint(LintOptions(paths=['examples/acme-analytics.metrics.yaml'], today=datetime.date(2026, 6, 1)))\n"
        "render('json', report, RenderOptions())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'markupsafe') or m.startswith('metricspec.report.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=HERE.parent.parent, capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_missing_keys_and_odd_values_render_without_a_traceback():
    from metricspec.report.render import render_report

    odd = {"id": "x", "target": {"value": "a", "by": "not a date"}, "status": "weird", "unit": None,
           "series": [{"at": "2026-01-01", "value": "3"}, {"at": "bad", "value": 1}, {"at": "2026-02-01", "value": 2}]}
    status = {"metrics": [odd, {"id": "y", "target": {}}], "documents": [{}],
              # a node naming itself, and two naming each other, as parent: none of them is a top node
              "nodes": [{"id": "a", "parent": "a"}, {"id": "b", "parent": "c"}, {"id": "c", "parent": "b"}]}
    html = render_report(status, {"diagnostics": [{"code": None}]}, {"changes": [{}]}, version="0.1.0", today=TODAY, source=None)
    assert html.count('<svg class="chart"') == 2 and len(dots(html)) == 1  # only 2026-02-01 reads as a point
    assert render_report({}, {}, version="0.1.0", today=TODAY, source=None).count("<article") == 0


def test_one_chart_key_for_the_page_before_the_first_card(html):
    """The legend once (before the first card), naming the marks some chart draws; each chart
    still says its numbers in its aria-label sentence."""
    page = Page(html)
    assert len(page.find("p", **{"class": "legend key"})) == 1 and "<figcaption" not in html
    key = html[html.index('<p class="legend key">'):]
    assert html.index('<p class="legend key">') < html.index('<article class="card"')
    assert re.findall(r"<span[^>]*>([a-z]+)</span>", key[:key.index("</p>")]) == [
        "actuals", "trajectory", "band", "forecast", "deadline", "today"]  # the fixture has a `maintain` band, no ring
    charts = page.find("svg", **{"class": "chart"})
    assert charts and all(" actuals" in svg["aria-label"] and "; status " in svg["aria-label"] for svg in charts)


def _page_with(status_json: dict, lint_json: dict, edit) -> str:
    """The page of the fixture with `edit` applied to a copy of its `enterprise-arr` metric."""
    status = copy.deepcopy(status_json)
    edit(next(m for m in status["metrics"] if m["id"] == "enterprise-arr"))
    return render(status, lint_json)


def test_segments_say_their_own_dates_when_they_differ(status_json, lint_json):
    card = _card(_page_with(status_json, lint_json, lambda arr: arr["segments"][0]["latest"].update(at="2026-10-31")),
                 "enterprise-arr")
    assert "<th>region<th>Latest</thead>" in card
    assert "<tr><td>emea<td>$4,210,000 on 2026-10-31<tr><td>na<td>$6,930,000 on 2026-11-30</table>" in card


def test_segments_of_several_dimensions_say_theirs(status_json, lint_json):
    card = _card(_page_with(status_json, lint_json, lambda arr: arr["segments"][1].update(segment="plan_tier=enterprise")),
                 "enterprise-arr")
    assert "<th>Segment<th>Latest (2026-11-30)</thead>" in card
    assert "<tr><td>region=emea<td>$4,210,000<tr><td>plan_tier=enterprise<td>$6,930,000</table>" in card


def test_segments_without_a_dimension_or_a_value_are_shown_whole(status_json, lint_json):
    def edit(arr):
        arr["segments"][0]["segment"], arr["segments"][1]["segment"] = "region=", "region"
    card = _card(_page_with(status_json, lint_json, edit), "enterprise-arr")
    assert "<th>Segment<th>Latest (2026-11-30)</thead>" in card
    assert "<tr><td>region=<td>$4,210,000<tr><td>region<td>$6,930,000</table>" in card


def test_a_target_without_a_start_is_drawn_and_said(status_json, lint_json):
    def edit(arr):
        arr["target"].pop("since", None)
        arr["series"], arr["recent"], arr["latest"] = [], [], None
    card = _card(_page_with(status_json, lint_json, edit), "enterprise-arr")
    assert '<circle class="target"' in card and '<path class="trajectory"' not in card
    assert "Enterprise annual recurring revenue: no actuals; target $14,400,000 by 2027-12-31;" in card


def test_a_card_names_its_own_source_when_it_is_not_the_pages(status_json, lint_json):
    html = _page_with(status_json, lint_json, lambda arr: arr.update(source="postgresql://analyst:***@db:5432/finance"))
    assert "<dt>actuals from<dd><code>postgresql://analyst:***@db:5432/finance</code>" in _card(html, "enterprise-arr")
    assert "<dt>actuals from" not in _card(html, "weekly-report-builders")


def test_a_cards_finding_at_its_id_omits_the_place_the_card_gives(html):
    card = _card(html, "legacy-dashboards-migrated")
    places = re.findall(r'<li><span class="sev">\w+</span> <code>([A-Z]\d{3})</code>[^<]*(?:<span class="muted">\(([^)]+)\))?', card)
    # A001 at the metric's id: the card's own place, not said again; T004 at its target: said
    assert places == [("A001", ""), ("T004", "metrics/acme.metrics.yaml:219")]
