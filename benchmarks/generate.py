"""Synthetic but realistic metricspec workspaces for the benchmark.

Every file is one product team's spec: an objective with a revenue metric, a goal with an
adoption pair, an outcome and two behaviors, ten metrics in all, with kinds, leading/lagging
pairs (some across files), guardrails, targets, owners, sources and segments. A deterministic
share of the files carries the smells real specs carry (a vanity metric, a missed deadline, a
target without baseline, an unpaired metric, a suppression comment, an unresolved reference), so
that every rule family has work to do and the report is not empty.

    python benchmarks/generate.py OUT_DIR --files 100
    python benchmarks/generate.py OUT_DIR --single 10000   # one file of 10,000 metrics
"""

from __future__ import annotations

import argparse
import os
import random

STAGES = ("mvp", "growth", "maturity", "growth")
SOURCES = ("amplitude", "mixpanel", "snowflake", "salesforce", "stripe", "datadog", "zendesk", "segment")
SEGMENTS = ("plan_tier", "region", "platform", "account_size", "acquisition_channel", "industry", "role")
AREAS = (
    ("reports", "custom reports", "report_saved"),
    ("checkout", "checkout", "order_placed"),
    ("search", "search", "search_performed"),
    ("messaging", "team messaging", "message_sent"),
    ("invoicing", "invoicing", "invoice_sent"),
    ("booking", "bookings", "booking_confirmed"),
    ("playlists", "playlists", "playlist_created"),
    ("dashboards", "dashboards", "dashboard_viewed"),
)


def _target(rng: random.Random, i: int, unit: str, increase: bool = True, smell: str = "") -> str:
    if unit == "percent":
        base = rng.randint(10, 60)
        value = base + rng.randint(3, 20) if increase else max(1, base - rng.randint(2, 8))
    elif unit == "USD":
        base = rng.randint(1, 90) * 100_000
        value = int(base * (1 + rng.randint(5, 25) / 100))
    else:
        base = rng.randint(100, 9_000)
        # Under B004's 30%: a spec with a stretch target and no guardrail of its own is a smell,
        # which the files carrying smells have (the leap below), not every team's spec.
        value = int(base * (1 + rng.randint(5, 25) / 100)) if increase else int(base * 0.8)
    year = 2027
    month = 3 * (1 + i % 4)
    day = 30 if month in (6, 9) else 31
    if smell == "past":
        return f"{{baseline: {base}, value: {value}, by: 2024-12-31}}"
    if smell == "nobaseline":
        return f"{{value: {value}, by: {year}-{month:02d}-{day}}}"
    if smell == "leap":
        return f"{{baseline: {base}, value: {base * 6}, by: {year}-{month:02d}-{day}}}"
    return f"{{baseline: {base}, value: {value}, by: {year}-{month:02d}-{day}, since: 2026-07-01}}"


def _metric(
    ind: str,
    mid: str,
    name: str,
    kind: str,
    category: str,
    unit: str,
    window: str,
    aggregation: str,
    source: str,
    segments: list[str],
    pairs: list[str],
    target: str,
    decision: str,
    extra: list[str] = (),  # type: ignore[assignment]
) -> str:
    lines = [
        f"{ind}- id: {mid}",
        f"{ind}  name: {name}",
        f"{ind}  kind: {kind}",
        f"{ind}  category: {category}",
        f"{ind}  unit: {unit}",
        f"{ind}  window: {window}",
        f"{ind}  aggregation: {aggregation}",
        f"{ind}  source: {source}",
    ]
    if segments:
        lines.append(f"{ind}  segments: [{', '.join(segments)}]")
    if pairs:
        lines.append(f"{ind}  pairs_with: " + (pairs[0] if len(pairs) == 1 else f"[{', '.join(pairs)}]"))
    lines.extend(f"{ind}  {line}" for line in extra)
    lines.append(f"{ind}  decision: {decision}")
    if target:
        lines.append(f"{ind}  target: {target}")
    return "\n".join(lines) + "\n"


def team_block(i: int, rng: random.Random, base_indent: str = "  ", total: int = 1) -> str:
    """One objective subtree of ten metrics, ids prefixed with the team number."""
    p = f"t{i:05d}"
    area, label, event = AREAS[i % len(AREAS)]
    src = SOURCES[i % len(SOURCES)]
    seg = [SEGMENTS[i % len(SEGMENTS)], SEGMENTS[(i + 3) % len(SEGMENTS)]]
    # A pair across files: every fifth team's adoption metric also answers to the previous team's revenue.
    cross = [f"t{i - 1:05d}-{AREAS[(i - 1) % len(AREAS)][0]}-revenue"] if i % 5 == 4 and i > 0 else []
    o = base_indent
    g = o + "    "
    out = g + "    "
    b = out + "    "
    m_o, m_g, m_out, m_b = o + "    ", g + "    ", out + "    ", b + "    "
    smell = i % 10
    parts = [
        f"{o}- id: {p}-{area}-revenue-growth\n",
        f"{o}  title: Grow {label} revenue by {10 + i % 30}% by the end of 2027\n",
        f"{o}  owner: vp-{area}-{p}\n",
        f"{o}  metrics:\n",
        _metric(m_o, f"{p}-{area}-revenue", f"Monthly recurring revenue from {label}", "lagging", "business",
                "USD", "monthly", "sum", "stripe", ["region", "plan_tier"], [f"{p}-{area}-weekly-users"],
                _target(rng, i, "USD", smell="nobaseline" if smell == 3 else ""),
                f"A 15% shortfall triggers a pricing review of the {label} plans."),
        _metric(m_o, f"{p}-{area}-churn", f"Monthly logo churn of {label} accounts", "lagging", "business",
                "percent", "monthly", "rate", "salesforce", ["plan_tier"], [f"{p}-{area}-activation"],
                _target(rng, i, "percent", increase=False),
                "Above 3% we run a churn interview sprint with customer success.",
                [f"numerator: {label} accounts cancelled in the month", f"denominator: {label} accounts at month start"]),
        f"{o}  goals:\n",
        f"{g}- id: {p}-{area}-adoption\n",
        f"{g}  title: Make {label} a weekly habit for {40 + i % 30}% of active accounts\n",
        f"{g}  owner: pm-{area}-{p}\n",
        f"{g}  metrics:\n",
        _metric(m_g, f"{p}-{area}-weekly-users", f"Weekly active users of {label}", "leading", "user",
                "count", "7d", "unique", src, seg, [f"{p}-{area}-revenue", *cross],
                _target(rng, i, "count"), f"A 20% drop pauses feature work on {label} until we know why.",
                [f"event: {event}", f"guardrails: [{p}-{area}-error-rate]"]),
        _metric(m_g, f"{p}-{area}-error-rate", f"Share of {label} requests that fail", "leading", "operational",
                "percent", "7d", "rate", "datadog", [], [f"{p}-{area}-churn"],
                _target(rng, i, "percent", increase=False),
                "Above 2% the platform team stops feature work and fixes reliability first.",
                [f"numerator: failed {label} requests", f"denominator: {label} requests"]),
        f"{g}  outcomes:\n",
        f"{out}- id: {p}-{area}-fast-start\n",
        f"{out}  title: New accounts get value from {label} in their first session\n",
        f"{out}  owner: pm-{area}-onboarding-{p}\n",
        f"{out}  metrics:\n",
        _metric(m_out, f"{p}-{area}-activation", f"Share of new accounts that use {label} in week one", "leading",
                "user", "percent", "7d", "rate", src, seg, [f"{p}-{area}-churn"],
                _target(rng, i, "percent", smell="past" if smell == 5 else ""),
                f"Under 25% we move {label} into onboarding.",
                [f"numerator: new accounts with a {event} event within 7 days", "denominator: new accounts"]),
        _metric(m_out, f"{p}-{area}-time-to-value", f"Median minutes from sign-up to first {event}", "leading",
                "user", "minutes", "28d", "median", src, seg, [f"{p}-{area}-churn"],
                _target(rng, i, "minutes", increase=False), "Past 10 minutes we redesign the first-run flow."),
        f"{out}  behaviors:\n",
        f"{b}- id: {p}-{area}-creates\n",
        f"{b}  title: Creates a first {event.split('_')[0]} in the first week\n",
        f"{b}  metrics:\n",
        _metric(m_b, f"{p}-{area}-creators", f"Accounts that create a {event.split('_')[0]} in week one",
                "leading", "user", "count", "7d", "unique", src, seg, [f"{p}-{area}-churn"],
                _target(rng, i, "count", smell="leap" if smell == 7 else ""), "Under target we test templates."),
        _metric(m_b, f"{p}-{area}-repeat-creators", "Accounts that create again within 14 days",
                "leading", "user", "percent", "14d", "rate", src, seg, [f"{p}-{area}-churn"],
                _target(rng, i, "percent"), "Under 30% we add reminders after the first creation.",
                ["numerator: creators with a second creation within 14 days", "denominator: creators"]),
        f"{b}- id: {p}-{area}-shares\n",
        f"{b}  title: Shares {label} with a teammate\n",
    ]
    if smell == 2:
        # A vanity metric, kept on purpose with a reasoned suppression of one of its findings.
        parts.append(f"{b}  metrics:\n")
        parts.append(f"{m_b}# metricspec: ignore[B003] -- page views are read for the whole product\n")
        parts.append(_metric(m_b, f"{p}-{area}-page-views", f"Total page views of {label}", "leading", "user",
                             "count", "30d", "count", src, [], [], "", "None yet."))
    else:
        parts.append(f"{b}  metrics:\n")
        parts.append(_metric(m_b, f"{p}-{area}-sharers", f"Share of weekly users who share {label}", "leading",
                             "user", "percent", "7d", "rate", src, seg, [f"{p}-{area}-churn"],
                             _target(rng, i, "percent"), "If sharing stalls we test prompts after creation.",
                             [f"numerator: weekly users with a {area}_shared event", "denominator: weekly users"]))
    parts.append(
        _metric(m_b, f"{p}-{area}-invites", "Teammates invited per sharing account",
                "leading", "user", "count", "28d", "average", src, seg,
                [f"{p}-{area}-revenue"] if smell != 8 else [f"{p}-{area}-revnue"],
                _target(rng, i, "count"), "Under 1.2 we test an invite step in sharing.")
    )
    return "".join(parts)


def team_file(i: int, rng: random.Random) -> str:
    area = AREAS[i % len(AREAS)][0]
    p = f"t{i:05d}"
    return (
        f"# Metrics of team {p} ({area}).\n"
        "metricspec: 1\n"
        f"product: Team {p} {area}\n"
        f"stage: {STAGES[i % len(STAGES)]}\n"
        f"owner: head-of-{area}-{p}\n"
        "review: monthly\n"
        f"north_star: {p}-{area}-weekly-users\n"
        "\n"
        "objectives:\n" + team_block(i, rng)
    )


def write_workspace(folder: str, files: int, seed: int = 1) -> list[str]:
    """`files` spec files of ten metrics each, 100 to a sub-folder."""
    rng = random.Random(seed)
    paths = []
    for i in range(files):
        sub = os.path.join(folder, f"team-{i // 100:03d}")
        os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"t{i:05d}.metrics.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(team_file(i, rng))
        paths.append(path)
    return paths


def write_single(folder: str, metrics: int, seed: int = 1) -> str:
    """One file holding `metrics` metrics: the same teams as objectives of one product."""
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "company.metrics.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(
            "# Every team's metrics in one file.\n"
            "metricspec: 1\nproduct: Whole company\nstage: growth\nowner: head-of-product\n"
            "review: monthly\nnorth_star: t00000-reports-weekly-users\n\nobjectives:\n"
        )
        for i in range(metrics // 10):
            handle.write(team_block(i, rng))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--files", type=int, default=0, help="files of ten metrics each")
    parser.add_argument("--single", type=int, default=0, help="metrics in one file")
    args = parser.parse_args()
    if args.files:
        write_workspace(args.out, args.files)
    if args.single:
        write_single(args.out, args.single)


if __name__ == "__main__":
    main()
