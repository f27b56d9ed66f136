"""Messages speak the product's language (RULES.md): examples come from the document's `model`;
without one, no help assumes revenue the document does not measure; a cost's bad news is a rise."""

from __future__ import annotations

import re

from tests.conftest import lint_paths

# A spec that draws one finding from every rule whose help gives an example.
SPEC = """metricspec: 1
product: Blue badge
{model}stage: growth
owner: service-owner
north_star: calls
objectives:
  - id: service
    title: Run the blue badge service
    goals:
      - id: apply
        title: Apply online
        outcomes:
          - id: apply-outcome
            title: People apply without help
            behaviors:
              - {{id: starts, title: Starts an application}}
            metrics:
              - {{id: calls, name: Calls to the helpline, kind: lagging, pairs_with: answered}}
              - {{id: answered, name: Share of applicants who answer the eligibility questions, kind: leading, category: user, unit: percent}}
              - {{id: cost, name: Spend per application processed, kind: leading, unit: GBP}}
              - {{id: unkinded, name: Applications decided within 12 weeks, unit: percent}}
"""
B2B_OR_MONEY = re.compile(r"\b(?:ARR|MRR|revenue|seats?|plan_tier|report builders|net revenue retention)\b")
CODES = ["H001", "H003", "H004", "H005", "P001", "P004", "B001", "B002", "B003", "V003", "L001", "T007"]


def _helps(tmp_path, model: str) -> dict[tuple, str]:
    spec = tmp_path / "spec.metrics.yaml"
    spec.write_text(SPEC.format(model=model), encoding="utf-8")
    return {(d.code, d.subject): d.help for d in lint_paths(spec, select=CODES).diagnostics}


def test_a_public_service_is_given_no_revenue_or_b2b_advice(tmp_path):
    helps = _helps(tmp_path, "model: public-service\n")
    assert {code for code, _ in helps} >= {"H001", "H004", "H005", "P004", "B001", "B003", "V003", "L001", "T007"}
    for key, text in helps.items():
        assert not B2B_OR_MONEY.search(text), (key, text)
    assert "`segments: [channel, region]`" in helps[("B003", "answered")]
    assert "applications completed online each week" in helps[("H004", "calls")]
    assert "cost per transaction" in helps[("L001", None)]
    assert "A 20% rise" in helps[("V003", "cost")]


def test_without_a_model_no_help_assumes_revenue_the_document_does_not_measure(tmp_path):
    helps = _helps(tmp_path, "")
    assert helps
    for key, text in helps.items():
        assert not B2B_OR_MONEY.search(text), (key, text)


def test_a_b2b_document_keeps_its_b2b_examples(tmp_path):
    helps = _helps(tmp_path, "model: b2b-saas\n")
    assert "`segments: [plan_tier, user_type]`" in helps[("B003", "answered")]
    assert "ARR" in helps[("H005", "service")]


def test_the_bad_news_of_a_cost_is_a_rise(tmp_path):
    helps = _helps(tmp_path, "model: public-service\n")
    assert "A 20% rise" in helps[("V003", "cost")]
    assert "A 20% drop" in helps[("V003", "answered")]


def test_h004_does_not_advise_a_cost_as_the_north_star(tmp_path):
    spec = tmp_path / "spec.metrics.yaml"
    spec.write_text(
        "metricspec: 1\nproduct: P\nmodel: public-service\nnorth_star: calls\ngoals:\n  - id: g\n    title: Cut calls by 20% in 2027\n"
        "    metrics:\n      - {id: calls, name: Calls to the helpline, kind: lagging, pairs_with: cost}\n"
        "      - {id: cost, name: Cost per application, kind: leading, unit: GBP}\n",
        encoding="utf-8",
    )
    (finding,) = lint_paths(spec, select=["H004"]).diagnostics
    assert "'cost'" not in finding.help
    assert finding.help.startswith("Name a leading metric of delivered value as the north star (e.g. applications completed online")
