"""Without colour, the text report is printed without rich, and must be the bytes rich prints."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from metricspec.api import Report
from metricspec.diagnostics import Diagnostic, Severity
from metricspec.loader import LoadedFile
from metricspec.reporters import RenderOptions
from metricspec.reporters import text as text_reporter

_CHARS = st.sampled_from(list("ab :-_[]/\\\t\r\x07\x1b ") + ["é", "漢", "字", "\u200b", "\u0301", "\xa0", "\u2028", "🙂", "ﬁ"])
_TEXT = st.lists(_CHARS, max_size=30).map("".join) | st.text(max_size=20)
_LINES = st.lists(_TEXT | st.just(" " * 120 + "x   ") | st.just("y" * 130 + "   "), min_size=1, max_size=6)


@st.composite
def reports(draw):
    paths = draw(st.lists(st.sampled_from(["a.yaml", "b/ü.yaml", "c\tx.yaml"]), min_size=1, max_size=3, unique=True))
    sources = {path: LoadedFile(path, text="\n".join(draw(_LINES))) for path in paths}
    diagnostics = []
    for _ in range(draw(st.integers(0, 5))):
        path = draw(st.sampled_from(paths))
        line = draw(st.integers(1, 8))
        diagnostics.append(Diagnostic(
            path=path, line=line, column=draw(st.integers(1, 140)), code=draw(st.sampled_from(["T001", "E002"])),
            end_line=line + draw(st.integers(0, 1)), end_column=draw(st.integers(1, 150)),
            name=draw(st.sampled_from(["no-target", "schema"])), severity=draw(st.sampled_from(list(Severity))),
            message=draw(_TEXT), help=draw(_TEXT), subject=None,
        ))
    diagnostics.sort()
    fixed = [{"path": draw(_TEXT), "code": "T001", "subject": draw(st.none() | _TEXT)}
             for _ in range(draw(st.integers(0, 2)))]
    return Report(files=draw(st.integers(0, 3)), diagnostics=diagnostics, sources=sources,
                  skipped=draw(st.lists(_TEXT, max_size=2)), fixed=fixed)


@settings(max_examples=300, deadline=None)
@given(report=reports(), width=st.sampled_from([60, 100, 200]), flags=st.lists(st.booleans(), min_size=3, max_size=3))
def test_plain_text_is_what_rich_prints(report, width, flags):
    options = RenderOptions(color=False, width=width, statistics=flags[0], verbose=flags[1], quiet=flags[2])
    assert text_reporter._render(report, options, use_rich=False) == text_reporter._render(report, options, use_rich=True)


def test_no_colour_needs_no_rich():
    import subprocess
    import sys

    probe = (
        "import sys\nfrom metricspec.api import Report\nfrom metricspec.diagnostics import Diagnostic, Severity\n"
        "from metricspec.loader import LoadedFile\nfrom metricspec.reporters import RenderOptions, render\n"
        "d = Diagnostic('a.yaml', 1, 1, 'T001', 1, 3, 'no-target', Severity.WARNING, 'm', 'h')\n"
        "r = Report(1, [d], sources={'a.yaml': LoadedFile('a.yaml', text='abc')})\n"
        "render('text', r, RenderOptions())\nprint('rich' in sys.modules)\n"
    )
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"
