"""Which files are metricspec documents, each one read and validated: the one way in for a file.

A file is read (loader.py), recognised or not (E006: not a metricspec document, or a format
version this metricspec does not read), then validated (validate.py). The files a run lints
come through `load_target`, the files read only for their definitions (context) through
`load_context`; both take a discovery Target, so that parallel.load can run them in workers.
Data flows one way: the loaded file, as read, and validation's result, become a FileRecord
(and its DocItem) without either stage changing the other's.
"""

from __future__ import annotations

import re
from typing import Optional

from metricspec.diagnostics import Problem
from metricspec.discovery import Target
from metricspec.engine import FileRecord
from metricspec.loader import LoadedFile, load_bytes, read_file
from metricspec.validate import validate_document
from metricspec.workspace import DocItem

# The format versions this metricspec reads, as written (every scalar is read as text).
VERSIONS = ("1",)
# A file that failed to parse is still taken for a metricspec document if it says so.
_LOOKS_LIKE_METRICSPEC = re.compile(r"^\ufeff?metricspec[ \t]*:", re.MULTILINE)


def load_target(target: Target, skip_unrecognized: bool) -> tuple[Optional[FileRecord], Optional[str]]:
    """`load`, with a fault on the file turned into an E001 and an internal error message."""
    try:
        return load(target, skip_unrecognized), None
    except Exception as exc:  # a fault on one file must not end the run, nor print a traceback
        message = internal_error(target.display, exc)
        return FileRecord(LoadedFile(target.display), problems=[Problem("E001", message, (1, 1, 1, 1))]), message


def load(target: Target, skip_unrecognized: bool) -> Optional[FileRecord]:
    """Read and validate one file; None when it is not a metricspec file and may be skipped
    (`skip_unrecognized`, or a file found by walking a folder rather than named)."""
    if target.content is None:
        loaded = read_file(target.fs_path, target.display)
    else:
        loaded = load_bytes(target.content, target.display)
    record = FileRecord(loaded, problems=list(loaded.problems))
    may_skip = skip_unrecognized or not target.named
    if loaded.unreadable:
        binary = any(p.code == "E006" for p in loaded.problems)
        # Undecodable text is kept (bytes replaced): in a walk, skip it unless it says metricspec.
        foreign = bool(loaded.text) and not _LOOKS_LIKE_METRICSPEC.search(loaded.text)
        return None if (binary or foreign) and may_skip else record
    data = loaded.data
    if not is_metricspec(data):
        syntax_error = any(p.code == "E001" for p in loaded.problems)
        if syntax_error and _LOOKS_LIKE_METRICSPEC.search(loaded.text):
            return record
        if may_skip:
            return None
        if not syntax_error:
            record.problems = [p for p in record.problems if p.code != "E007"] + [
                Problem("E006", _not_metricspec(data, loaded), (1, 1, 1, 1),
                        help="A metricspec document is a mapping whose first key is `metricspec: 1`.")
            ]
        return record
    version = data["metricspec"]
    if version not in VERSIONS:
        span = loaded.value_span(("metricspec",)) or (1, 1, 1, 1)
        # The version as written, cut short: a line of digits or text is not echoed whole.
        shown = f"'{version if len(version) <= 40 else version[:40] + '…'}'" if isinstance(version, str) else "an empty value" if version is None else "a collection"
        record.problems.append(
            Problem("E006", f"unsupported format version {shown}; this metricspec reads version 1", span,
                    help="Write `metricspec: 1`.")
        )
        return record
    validation = validate_document(loaded)
    record.problems.extend(validation.problems)
    if validation.document is not None:
        record.doc = DocItem(loaded, validation.document, removed=validation.removed)
    return record


def load_context(target: Target, _skip_unrecognized: bool) -> tuple[Optional[FileRecord], None]:
    """A context file's document (definitions only, never reported), or None: a file that is
    not a metricspec document of a version this metricspec reads, or cannot be read, adds no ids."""
    try:
        loaded = read_file(target.fs_path, target.display)
        if not is_metricspec(loaded.data) or loaded.data["metricspec"] not in VERSIONS:
            return None, None
        validation = validate_document(loaded)
    except Exception:  # context only: a fault on it is not this run's to report
        return None, None
    if validation.document is None:
        return None, None
    doc = DocItem(loaded, validation.document, reported=False, removed=validation.removed)
    return FileRecord(loaded, doc=doc), None


def is_metricspec(data: object) -> bool:
    """Whether data as loaded is a metricspec document (of whichever version): a mapping with a
    top-level `metricspec` key."""
    return isinstance(data, dict) and "metricspec" in data


def internal_error(display: str, exc: BaseException) -> str:
    """The one line that reports a fault on a file, where it happened, and asks for a bug report."""
    import traceback  # only on a fault: a run without one starts without it

    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" [{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}]" if frame else ""
    return f"internal error on {display}: {type(exc).__name__}: {exc}{where}; please report this as a bug"


def _not_metricspec(data: object, loaded: LoadedFile) -> str:
    if data is None:
        return "empty file: not a metricspec document" if not loaded.text.strip() or _only_comments(loaded.text) else (
            "the file holds no value: not a metricspec document")
    if isinstance(data, list):
        return "the top level is a list, not a mapping: not a metricspec document"
    if isinstance(data, str):
        return "the top level is a single value, not a mapping: not a metricspec document"
    return "no top-level `metricspec:` key: not a metricspec document"


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())
