"""`metricspec init`: a starter spec, a config and the pre-commit hook, written without clobbering.

`init_project(options)` plans every file first and writes only when nothing it would create
already exists (unless `force`), so a second `init` changes nothing. It never prints: it
returns what it wrote, what it left alone and what to run next, and the CLI shows that.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from metricspec.fileio import WriteError, read_bytes, write_atomic
from metricspec.scaffold.precommit import HOOK_ID, HOOK_KINDS, HOOK_REV, add_hook, default_hook, entry_block
from metricspec.scaffold.templates import DEFAULT_STAGES, DESCRIPTIONS, STAGES, TEMPLATES, render, slugify
from metricspec.terminal import escape_controls

__all__ = [
    "DEFAULT_STAGES", "DESCRIPTIONS", "STAGES", "TEMPLATES", "InitOptions", "InitResult",
    "default_product", "init_project", "render", "slugify",
]

PRECOMMIT_CONFIG = ".pre-commit-config.yaml"
CONFIG_NAME = "metricspec.toml"
SPEC_FOLDER = "metrics"
CONFIG_TEXT = """\
# metricspec configuration: every key is described in metricspec's README.
# `metricspec lint` with no path reads these files; the pre-commit hook reads them for context.
include = ["metrics/**/*.yaml", "metrics/**/*.yml"]
fail-on = "warning"
"""


_HOOK_NOTES = {
    "remote": f"the {HOOK_ID} pre-commit hook, {HOOK_REV} from its repository",
    "local": f"the {HOOK_ID} pre-commit hook, running the metricspec on PATH",
}


class InitError(Exception):
    """A usage problem (an unknown template, a folder that is a file): exit 2."""


@dataclass
class InitOptions:
    directory: Path = field(default_factory=lambda: Path("."))
    template: str = "saas"
    product: Optional[str] = None  # default: the folder's name
    stage: Optional[str] = None  # default: the stage the template is written for
    force: bool = False
    today: Optional[dt.date] = None
    hook: Optional[str] = None  # "remote" or "local"; default: remote for a released metricspec


@dataclass
class FileAction:
    path: Path
    verb: str  # "created", "overwrote", "added the hook to", "kept"
    note: str = ""


@dataclass
class InitResult:
    exit_code: int
    spec: Path
    product: str
    template: str
    stage: str
    written: list[FileAction] = field(default_factory=list)
    kept: list[FileAction] = field(default_factory=list)  # existing files left alone, and why
    conflicts: list[Path] = field(default_factory=list)  # existing files that stop the run
    manual_hook: Optional[str] = None  # the block to add by hand, when the config could not be edited
    manual_reason: str = ""
    error: str = ""
    # What `metricspec lint --select ALL` finds in the new spec: nothing, at the template's own stage.
    findings: list = field(default_factory=list)
    next_steps: list[tuple[str, str]] = field(default_factory=list)  # (command, why)


def default_product(directory: Path) -> str:
    """A product name from the folder's name: `acme-tasks` -> `Acme Tasks`."""
    name = Path(os.path.abspath(directory)).name
    words = name.replace("_", " ").replace("-", " ").replace(".", " ").split()
    product = " ".join(word[:1].upper() + word[1:] for word in words)
    return product if slugify(product) else "My Product"


def init_project(options: InitOptions) -> InitResult:
    if options.template not in TEMPLATES:
        raise InitError(f"unknown template '{options.template}'; choose one of {', '.join(TEMPLATES)}")
    stage = options.stage or DEFAULT_STAGES[options.template]
    if stage not in STAGES:
        raise InitError(f"unknown stage '{stage}'; choose one of {', '.join(STAGES)}")
    hook = options.hook or default_hook()
    if hook not in HOOK_KINDS:
        raise InitError(f"unknown hook '{hook}'; choose one of {', '.join(HOOK_KINDS)}")
    directory = Path(options.directory)
    if directory.exists() and not directory.is_dir():
        raise InitError(f"{escape_controls(str(directory))} exists and is not a directory")
    product = _unicode((options.product or "").strip() or default_product(directory))
    slug = slugify(product) or "product"
    today = options.today or dt.date.today()

    spec = directory / SPEC_FOLDER / f"{slug}.metrics.yaml"
    result = InitResult(0, spec, product, options.template, stage)

    # Plan: nothing is written until every file has been looked at.
    overwriting = os.path.lexists(spec)
    if overwriting:
        if not options.force:
            result.conflicts.append(spec)
        elif not spec.is_file():
            raise InitError(f"{escape_controls(str(spec))} exists and is not a regular file")
    spec_text = render(options.template, product, stage, today)

    config_path = _existing_config(directory)
    config_file = directory / CONFIG_NAME
    write_config = config_path is None and not os.path.lexists(config_file)
    if config_path is not None:
        result.kept.append(FileAction(config_path, "kept", "the configuration metricspec reads"))
    elif not write_config:  # a symlink to nothing (written through, it would create its target), a folder, a FIFO
        what = "a symlink to a missing file, not followed" if os.path.islink(config_file) else "not a regular file"
        result.kept.append(FileAction(config_file, "kept", f"{what}; no configuration was written"))

    precommit_path = _repository_root(directory) / PRECOMMIT_CONFIG
    try:
        existing = _read_exactly(precommit_path) if os.path.lexists(precommit_path) else None
    except (OSError, UnicodeDecodeError) as exc:
        edit = None
        result.manual_reason = f"{precommit_path} cannot be read ({getattr(exc, 'strerror', None) or exc})"
    else:
        edit = add_hook(existing, hook=hook)
    if edit is not None and edit.status == "present":
        result.kept.append(FileAction(precommit_path, "kept", f"it already runs the {HOOK_ID} hook"))
    elif edit is None or edit.status == "manual":
        result.manual_reason = result.manual_reason or f"{precommit_path} was left as it is: {edit.reason}"
        result.manual_hook = entry_block(hook=hook)

    if result.conflicts:
        result.exit_code = 1
        return result

    created_folders = _missing_folders(spec.parent)
    try:
        spec.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(spec, spec_text, overwrite=options.force)
        verb = "overwrote" if overwriting else "created"
        result.written.append(FileAction(spec, verb, f"the {options.template} template, {stage} stage"))
        if write_config:
            write_atomic(config_file, CONFIG_TEXT, overwrite=False)
            result.written.append(FileAction(config_file, "created", "lint settings and where the specs live"))
        if edit is not None and edit.status in ("create", "add") and edit.text is not None:
            write_atomic(precommit_path, edit.text, overwrite=edit.status == "add")
            verb = "created" if edit.status == "create" else "added the hook to"
            result.written.append(FileAction(precommit_path, verb, _HOOK_NOTES[hook]))
    except (OSError, WriteError) as exc:
        if isinstance(exc, WriteError):
            result.error = str(exc)
        else:  # mkdir: name what is in the way (a file called `metrics`, say)
            where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
            result.error = f"cannot write{where}: {exc.strerror or exc}"
        result.exit_code = 2
        _remove_empty(created_folders)
        return result

    result.findings = _lint(spec, today)
    result.next_steps = _next_steps(directory, precommit_path, edit, clean=not result.findings)
    return result


def _unicode(text: str) -> str:
    """`text` without lone surrogates: a command line's bytes that are not UTF-8 reach Python as
    surrogates, which no UTF-8 file can hold. Each such byte becomes U+FFFD."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def _missing_folders(folder: Path) -> list[Path]:
    """The folders that creating `folder` creates, deepest first."""
    missing = []
    folder = Path(os.path.abspath(folder))
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """After a failed write (a full disk), remove the folders this run created, if nothing is in them."""
    for folder in folders:
        try:
            folder.rmdir()
        except FileNotFoundError:
            continue  # never created: mkdir failed above it
        except OSError:
            return  # not empty (a file was written): nor are the folders above it


def _lint(spec: Path, today: dt.date) -> list:
    from metricspec.api import LintOptions, lint

    return lint(LintOptions(paths=[str(spec)], select=["ALL"], today=today)).diagnostics


def _existing_config(directory: Path) -> Optional[Path]:
    from metricspec.config import discover

    return discover(Path(os.path.abspath(directory)))


def _repository_root(directory: Path) -> Path:
    """Where pre-commit looks for its config: the root of the git repository holding `directory`."""
    from metricspec.discovery import repository_root

    root = repository_root(os.path.abspath(directory))
    if root is None or (os.path.isdir(directory) and os.path.samefile(root, directory)):
        return directory  # keep the path as the user wrote it
    return Path(root)


def _next_steps(directory: Path, precommit_path: Path, edit, clean: bool) -> list[tuple[str, str]]:
    import shlex

    steps = []
    if os.path.abspath(directory) != os.getcwd():
        steps.append((f"cd {shlex.quote(os.path.relpath(os.path.abspath(directory)))}", "where the config is found"))
    steps.append(("metricspec lint", "check the spec; it starts clean" if clean else "see what to adapt"))
    steps.append(("metricspec tree", "see the hierarchy, each metric with its target"))
    if edit is not None and edit.status in ("create", "add", "present"):
        in_git = os.path.exists(precommit_path.parent / ".git")
        steps.append(("pre-commit install" if in_git else "git init && pre-commit install",
                      "lint the specs you change before every commit"))
    return steps


def _read_exactly(path: Path) -> str:
    # Every byte as it is (line ends, a byte-order mark): the hook is added with the file's own
    # line ends and the rest is written back unchanged. A FIFO or a huge file is refused.
    return read_bytes(path).decode("utf-8")
