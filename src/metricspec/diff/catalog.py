"""The D codes (DIFF.md, Codes): name, default severity and help of each, in code order.

Its own module, of no imports: `metricspec rules` and the config check read it without loading
what comparing two sides needs.
"""

from __future__ import annotations

# code -> (name, default severity, help)
CODES: dict[str, tuple[str, str, str]] = {
    "D001": ("target-lowered", "warning", "Keep the target, or record the old one in `history` (status: revised, "
             "with a reason) so that reviewers see why the bar moved."),
    "D002": ("deadline-extended", "warning", "Keep `by`, or close the target into `history` (met or missed) and "
             "set a new one; a revision needs a `history` entry with a reason."),
    "D003": ("baseline-rebased", "warning", "Keep the baseline the target was promised from, or record the old "
             "target in `history` with a reason."),
    "D004": ("direction-flipped", "error", "Keep the direction; a metric that should now move the other way is "
             "a new metric under a new id."),
    "D005": ("target-removed", "warning", "Keep the target, close it into `history`, or deprecate the metric."),
    "D006": ("target-changed", "info", "Nothing to fix: reviewers should see the new commitment."),
    "D007": ("target-closed", "info", "Nothing to fix: the outcome is on record."),
    "D008": ("history-rewritten", "warning", "Restore the entry: `history` only grows at its end."),
    "D009": ("result-contradicts-status", "warning", "Record the entry as it happened: `met` only when the "
             "result reaches the value."),
    "D010": ("metric-removed", "error", "Deprecate the metric first (`status: deprecated`), and remove it in "
             "a later change."),
    "D011": ("node-removed", "warning", "Deprecate it first, or record the decision that drops it."),
    "D012": ("deprecated", "info", "Nothing to fix: remove it in a later change."),
    "D013": ("retired", "info", "Nothing to fix."),
    "D014": ("renamed", "info", "Update the dashboards, queries and documents that name the old id."),
    "D015": ("definition-changed", "warning", "Keep the definition, or define a new metric under a new id and "
             "deprecate this one."),
    "D016": ("metric-added-without-target", "info", "Give it a `target`, or leave it as a number to watch."),
    "D020": ("north-star-changed", "warning", "Make sure the product's new north star was decided, not slipped in."),
    "D021": ("guardrail-removed", "warning", "Keep the guardrail, or name another counter-metric."),
    "D022": ("pair-removed", "warning", "Keep the pair, or pair each metric with another."),
    "D023": ("owner-removed", "warning", "Name an owner: someone must act when the metric moves."),
    "D024": ("stage-changed", "info", "Review which metrics matter at the new stage (L001), and their targets."),
    "D090": ("unreadable-file", "error", "Fix the file so that lint reads it: its changes are not compared."),
}
