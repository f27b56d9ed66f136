"""The metricspec benchmark: generate workspaces, time whole processes, print ratios, write JSON.

    python benchmarks/run.py                 # the full run (a few minutes on 2 cores)
    python benchmarks/run.py --quick         # smaller sizes, fewer repetitions: under a minute
    python benchmarks/run.py --sizes 1,100 --reps 3 --single 1000

Everything is measured in one run, as the median of `--reps` whole-process runs, so the ratios
compare like with like on a noisy machine. See benchmarks/README.md for what each line means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_single, write_workspace  # noqa: E402

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TODAY = "2026-06-01"  # findings that depend on the date stay the same from day to day

# The parse floor: walk the same files and pull every event from libyaml, building nothing.
FLOOR = r"""
import os, sys
from yaml import StreamEndEvent
from yaml.cyaml import CParser
events = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith(('.yaml', '.yml')):
            with open(os.path.join(root, name), encoding='utf-8') as handle:
                parser = CParser(handle.read())
            get = parser.get_event
            while get().__class__ is not StreamEndEvent:
                events += 1
            parser.dispose()
"""
IMPORTS = "import yaml, pydantic, typer, rich.console"


# -- measuring ------------------------------------------------------------------------------


class _TreeRss(threading.Thread):
    """Samples the memory of a process and all its descendants (forked workers included): the
    summed RSS (an upper bound: pages a fork shares with its parent count in both) and the summed
    PSS (each shared page divided among the processes sharing it: the memory really used)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb, self.peak_pss_kb = pid, interval, 0, 0
        self.done = threading.Event()

    def _tree(self, pid: int) -> list[int]:
        pids, stack = [], [pid]
        while stack:
            current = stack.pop()
            pids.append(current)
            try:
                for task in os.listdir(f"/proc/{current}/task"):
                    with open(f"/proc/{current}/task/{task}/children") as handle:
                        stack.extend(int(child) for child in handle.read().split())
            except OSError:
                pass
        return pids

    def run(self) -> None:
        while not self.done.is_set():
            rss = pss = 0
            for pid in self._tree(self.pid):
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as handle:
                        for line in handle:
                            if line.startswith("Rss:"):
                                rss += int(line.split()[1])
                            elif line.startswith("Pss:"):
                                pss += int(line.split()[1])
                except OSError:
                    pass
            self.peak_kb = max(self.peak_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.done.wait(self.interval)


def run_once(cmd: list[str], cwd: str, sample_tree: bool = False, ok: tuple = (0,)) -> dict:
    """Run one process to completion: wall seconds, its own peak RSS, the tree's sampled peak."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = None
    if sample_tree and os.path.isdir("/proc"):
        sampler = _TreeRss(proc.pid)
        sampler.start()
    stderr = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if sampler:
        sampler.done.set()
        sampler.join()
    # ru_maxrss: kilobytes on Linux, bytes on macOS; the largest single process of the tree.
    max_rss_kb = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr.decode(errors='replace')}")
    return {"seconds": seconds, "max_rss_kb": max_rss_kb, "tree_rss_kb": sampler.peak_kb if sampler else None,
            "tree_pss_kb": sampler.peak_pss_kb if sampler else None}


def measure(label: str, cmd: list[str], cwd: str, reps: int, sample_tree: bool = False) -> dict:
    return measure_together([(label, cmd, cwd, sample_tree, reps)])[0]


def measure_together(commands: list[tuple[str, list[str], str, bool, int]]) -> list[dict]:
    """The median of `reps` runs of each (label, cmd, cwd, sample_tree, reps), taken in turns
    (A B C A B C...), so that the commands a ratio compares see the same minutes of a shared
    machine."""
    runs: list[list[dict]] = [[] for _ in commands]
    for round_ in range(max(command[4] for command in commands)):
        for (label, cmd, cwd, sample_tree, reps), done in zip(commands, runs):
            if round_ < reps:
                # Linters exit 1 when they find something; anything else must succeed.
                ok = (0, 1) if cmd[0].endswith(("metricspec", "yamllint")) else (0,)
                done.append(run_once(cmd, cwd, sample_tree, ok))
    results = []
    for (label, cmd, _, sample_tree, reps), done in zip(commands, runs):
        times = [r["seconds"] for r in done]
        result = {
            "label": label,
            "cmd": " ".join(cmd),
            "median": statistics.median(times),
            "min": min(times),
            "runs": times,
            "max_rss_kb": max(r["max_rss_kb"] for r in done),
        }
        if sample_tree:
            result["tree_rss_kb"] = max(r["tree_rss_kb"] or 0 for r in done)
            result["tree_pss_kb"] = max(r["tree_pss_kb"] or 0 for r in done)
        print(f"  {label:<44} {result['median']:8.3f} s  (min {result['min']:.3f}, n={reps})", flush=True)
        results.append(result)
    return results


def imported_modules(cmd: list[str], cwd: str) -> list[str]:
    """Top-level packages a command imports (via -X importtime)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd], cwd=cwd, capture_output=True, text=True, check=False
    )
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name and not name.startswith("package"):
                names.add(name.split(".")[0])
    return sorted(names)


def compile_bytecode() -> None:
    """Compile metricspec's modules as `pip install` does for the packages it installs.

    An editable install leaves that to the first run, and with PYTHONDONTWRITEBYTECODE set (as on
    some CI machines) every run would compile metricspec afresh while yamllint, pydantic and the
    rest start from the bytecode pip wrote: a cost no installed user pays, so not one to time.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("metricspec")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def find_yamllint(install: bool) -> str | None:
    exe = BIN / "yamllint"
    if exe.exists():
        return str(exe)
    if install:
        print("  yamllint is missing: pip install yamllint (the benchmark's environment only)", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "yamllint"], check=False)
        if exe.exists():
            return str(exe)
    found = shutil.which("yamllint")
    return found


# -- the run --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,100,1000,10000", help="workspace sizes in files of ten metrics")
    parser.add_argument("--single", type=int, default=10_000, help="metrics in the single-file workspace (0: skip)")
    parser.add_argument("--reps", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--big-reps", type=int, default=3, help="runs for workspaces of 10,000 files")
    parser.add_argument("--quick", action="store_true", help="sizes 1,100,1000, a 1,000-metric file, 3 runs")
    parser.add_argument("--workdir", help="where to generate the workspaces (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated workspaces")
    parser.add_argument("--no-yamllint", action="store_true", help="skip the yamllint comparisons")
    parser.add_argument("--no-install", action="store_true", help="never pip install yamllint")
    parser.add_argument("--json", default=str(HERE / "results" / "latest.json"), help="where to write the results")
    parser.add_argument("--actuals", action="store_true",
                        help="only status and report over 1,000 metrics with a year of actuals (issue 20)")
    args = parser.parse_args()
    if args.actuals:
        return run_actuals(args)
    if args.quick:
        args.sizes, args.single, args.reps, args.big_reps = "1,100,1000", 1_000, 3, 1
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    metricspec = str(BIN / "metricspec") if (BIN / "metricspec").exists() else shutil.which("metricspec")
    if not metricspec:
        raise SystemExit("metricspec is not installed in this environment: pip install -e .")
    yamllint = None if args.no_yamllint else find_yamllint(not args.no_install)
    compile_bytecode()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="metricspec-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "workspaces": {}, "single_file": {}, "commands": {}}
    try:
        print(f"generating in {work}", flush=True)
        folders = {}
        for size in sizes:
            folder = work / f"files-{size}"
            if not folder.exists():
                write_workspace(str(folder), size)
            folders[size] = folder
        if args.single:
            single = work / f"single-{args.single}"
            if not single.exists():
                write_single(str(single), args.single)

        print("measuring (medians of whole-process runs, taken in turns)", flush=True)
        # Every workspace's lint and parse floor, and yamllint, in turns: the ratios between
        # workspaces (scaling) and against yamllint compare runs of the same minutes too.
        plan: list[tuple[dict, str, tuple]] = []  # (where the result goes, under which key, command)
        workspaces = [(results["workspaces"].setdefault(str(size), {"files": size, "metrics": size * 10}), str(size),
                       folder, f"{size:,} {'file' if size == 1 else 'files'}", args.big_reps if size >= 10_000 else args.reps)
                      for size, folder in folders.items()]
        if args.single:
            results["single"] = {"metrics": args.single}
            workspaces.append((results["single"], "single", single, f"one file of {args.single:,} metrics", args.big_reps))
        for entry, key, folder, name, reps in workspaces:
            entry["bytes"] = sum(path.stat().st_size for path in folder.rglob("*.yaml"))
            lint = [metricspec, "lint", ".", "--format", "json", "--output", str(work / f"report-{key}.json"), "--today", TODAY]
            plan.append((entry, "lint", (f"metricspec lint, {name}", lint, str(folder), key == "10000", reps)))
            floor = [sys.executable, "-c", FLOOR, "."]
            plan.append((entry, "floor", (f"libyaml parse floor, {name}", floor, str(folder), False, reps)))
        hundred = folders.get(100)
        if yamllint and hundred:
            yamllint_100 = [yamllint, "-d", "relaxed", "."]
            plan.append((results, "yamllint_100", ("yamllint -d relaxed, 100 files", yamllint_100, str(hundred), False, args.reps)))
        for (target, key, _), result in zip(plan, measure_together([command for _, _, command in plan])):
            target[key] = result
        for entry, key, _, _, _ in workspaces:
            entry["findings"] = len(json.loads((work / f"report-{key}.json").read_text())["diagnostics"])

        if 1 in folders:
            one = str(next(folders[1].rglob("*.yaml")))
            cold = {
                "metricspec": ("metricspec lint FILE (cold)", [metricspec, "lint", one, "--today", TODAY], str(work), False),
                "yamllint": ("yamllint FILE (cold)", [yamllint, one], str(work), False) if yamllint else None,
                "imports": (f'python -c "{IMPORTS}"', [sys.executable, "-c", IMPORTS], str(work), False),
                "python": ('python -c "pass"', [sys.executable, "-c", "pass"], str(work), False),
            }
            names = [name for name, command in cold.items() if command]
            measured = measure_together([(*cold[name], args.reps * 2) for name in names])
            results["single_file"] = dict(zip(names, measured))

        if 1000 in folders:
            results["diff"] = measure_diff(metricspec, work, folders[1000], args.reps)

        hook_sizes = [size for size in folders if size >= 1000]
        if hook_sizes:
            results["hook"] = measure_hooks(metricspec, yamllint, work, folders, hook_sizes, args)

        commands = results["commands"]
        commands["version"] = measure("metricspec --version", [metricspec, "--version"], str(work), args.reps * 2)
        commands["rules"] = measure("metricspec rules", [metricspec, "rules"], str(work), args.reps * 2)
        for name, argv in (("version", ["--version"]), ("rules", ["rules"]), ("lint", ["lint", "--help"])):
            commands[name + "_imports"] = imported_modules(["-m", "metricspec", *argv], str(work))
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    results["ratios"] = ratios(results)
    print()
    print(table(results))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {args.json}")
    return 0


def measure_hooks(metricspec: str, yamllint: str | None, work: Path, folders: dict, sizes: list[int], args) -> dict:
    """The pre-commit case: one changed file named in a git repository of the workspace's
    specs, the run after the one that wrote the index (cache.py), against yamllint on that file."""
    plan = []
    for size in sizes:
        repo = work / f"hook-{size}"
        if not repo.exists():
            shutil.copytree(folders[size], repo)
            subprocess.run(["git", "init", "-q", str(repo)], check=True)
        changed = repo / "team-005" / "t00500.metrics.yaml"
        with open(changed, "a", encoding="utf-8") as handle:
            handle.write("# changed\n")
        hook = [metricspec, "lint", "--skip-unrecognized", str(changed.relative_to(repo)), "--today", TODAY]
        # The first run after the change updates the index; it also creates the index's folder
        # in the repository, which the next run sees as a change of the folder's list of files.
        for _ in range(2):
            run_once(hook, str(repo), ok=(0, 1))
            time.sleep(0.2)  # past the window in which an mtime is too recent to trust (cache.py)
        reps = args.big_reps if size >= 10_000 else args.reps
        plan.append((str(size), "metricspec", (f"hook: metricspec lint FILE, {size:,} specs", hook, str(repo), False, reps * 2)))
        if yamllint:
            plan.append((str(size), "yamllint", (f"hook: yamllint FILE, {size:,} specs", [yamllint, str(changed)],
                                                 str(repo), False, reps * 2)))
    hooks: dict = {}
    for (size, key, _), result in zip(plan, measure_together([command for _, _, command in plan])):
        hooks.setdefault(size, {})[key] = result
    return hooks


def measure_diff(metricspec: str, work: Path, folder: Path, reps: int) -> dict:
    """`metricspec diff BASE HEAD` of two commits of the 1,000-file workspace, every file changed
    (each file's first deadline pushed back a year: a D002 per file), against `metricspec lint` on a
    checkout of HEAD, in turns (DIFF.md: at most twice lint's time)."""
    repo = work / "diff-1000"
    if not repo.exists():
        shutil.copytree(folder, repo)
        env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
               "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
        git = lambda *argv: subprocess.run(["git", *argv], cwd=repo, env=env, check=True, capture_output=True)
        git("init", "-q", "-b", "main")
        git("add", "-A")
        git("commit", "-qm", "base")
        for path in repo.rglob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            changed = re.sub(r"\bby: (\d{4})", lambda found: f"by: {int(found[1]) + 1}", text, count=1)
            assert changed != text, path
            path.write_text(changed, encoding="utf-8")
        git("commit", "-qam", "every file: a deadline pushed back")
    diff = [metricspec, "diff", "HEAD~1", "HEAD", "--format", "json", "--output", str(work / "diff-1000.json")]
    lint = [metricspec, "lint", ".", "--format", "json", "--output", str(work / "diff-lint-1000.json"), "--today", TODAY]
    measured = measure_together([("metricspec diff BASE HEAD, 1,000 files changed", diff, str(repo), False, reps),
                                 ("metricspec lint, a checkout of HEAD", lint, str(repo), False, reps)])
    changes = json.loads((work / "diff-1000.json").read_text())["changes"]
    return {"diff": measured[0], "lint": measured[1], "changes": len(changes)}


def machine() -> dict:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        from importlib.metadata import version

        versions = {name: version(name) for name in ("metricspec", "PyYAML", "pydantic", "typer", "rich", "yamllint")
                    if _installed(name)}
    except Exception:  # pragma: no cover
        versions = {}
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def _installed(name: str) -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        version(name)
        return True
    except PackageNotFoundError:
        return False


def ratios(results: dict) -> dict:
    ws = results["workspaces"]
    found: dict = {}

    def med(entry: dict | None) -> float | None:
        return entry["median"] if entry else None

    if "1000" in ws:
        found["lint_1000_over_floor_1000"] = (med(ws["1000"]["lint"]) / med(ws["1000"]["floor"]), "<=", 2.5)
    if "1000" in ws and "10000" in ws:
        found["lint_10000_over_lint_1000"] = (med(ws["10000"]["lint"]) / med(ws["1000"]["lint"]), "<=", 11.0)
    if "single" in results and str(results["single"]["metrics"] // 10) in ws:
        same = ws[str(results["single"]["metrics"] // 10)]
        found["single_file_over_same_size_workspace"] = (med(results["single"]["lint"]) / med(same["lint"]), "<=", 1.5)
    if "yamllint_100" in results:
        per_file_yamllint = med(results["yamllint_100"]) / 100
        if "100" in ws:
            found["yamllint_per_file_over_metricspec_100"] = (per_file_yamllint / (med(ws["100"]["lint"]) / 100), ">=", 20.0)
        biggest = max(int(size) for size in ws)
        if biggest >= 1000:
            per_file = med(ws[str(biggest)]["lint"]) / biggest
            found[f"yamllint_per_file_over_metricspec_{biggest}"] = (per_file_yamllint / per_file, ">=", 20.0)
    cold = results["single_file"]
    if "metricspec" in cold and "yamllint" in cold:
        found["cold_metricspec_over_yamllint"] = (med(cold["metricspec"]) / med(cold["yamllint"]), "<=", 0.9)
    if "metricspec" in cold and "imports" in cold:
        found["cold_metricspec_over_imports"] = (med(cold["metricspec"]) / med(cold["imports"]), "<=", 1.3)
    for size, bound in (("1000", 1.2), ("10000", 2.0)):
        hook = results.get("hook", {}).get(size, {})
        if "metricspec" in hook and "yamllint" in hook:
            found[f"hook_{size}_over_yamllint"] = (med(hook["metricspec"]) / med(hook["yamllint"]), "<=", bound)
    if "diff" in results:
        found["diff_1000_over_lint_1000"] = (med(results["diff"]["diff"]) / med(results["diff"]["lint"]), "<=", 2.0)
    if "10000" in ws:
        # The memory the run really held at its peak: PSS summed over the process and its forks.
        found["peak_memory_mb_10000"] = (ws["10000"]["lint"]["tree_pss_kb"] / 1024, "<=", 1024.0)
    return {
        name: {"value": round(value, 3), "target": f"{op} {bound:g}", "met": value <= bound if op == "<=" else value >= bound}
        for name, (value, op, bound) in found.items()
    }


def table(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}",
        "",
        "| workspace | files | metrics | MB | metricspec lint (s) | libyaml floor (s) | lint / floor | findings |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [(f"{int(k):,} file{'s' if int(k) != 1 else ''}", v) for k, v in results["workspaces"].items()]
    if "single" in results:
        rows.append((f"one file of {results['single']['metrics']:,} metrics", {**results["single"], "files": 1}))
    for name, entry in rows:
        lint, floor = entry["lint"]["median"], entry["floor"]["median"]
        lines.append(
            f"| {name} | {entry['files']:,} | {entry['metrics']:,} | {entry['bytes'] / 1e6:.1f} | {lint:.3f} | "
            f"{floor:.3f} | {lint / floor:.2f} | {entry['findings']:,} |"
        )
    lines += ["", "| command | median (s) |", "| --- | ---: |"]
    if "yamllint_100" in results:
        lines.append(f"| yamllint -d relaxed, 100 files | {results['yamllint_100']['median']:.3f} |")
    labels = {"metricspec": "metricspec lint FILE", "yamllint": "yamllint FILE",
              "imports": f"python -c \"{IMPORTS}\"", "python": 'python -c "pass"'}
    for key, entry in results["single_file"].items():
        lines.append(f"| {labels[key]} | {entry['median']:.3f} |")
    for size, hook in results.get("hook", {}).items():
        for key, entry in hook.items():
            what = "metricspec lint FILE (hook, second run)" if key == "metricspec" else "yamllint FILE"
            lines.append(f"| {what}, one changed file of {int(size):,} specs in git | {entry['median']:.3f} |")
    if "diff" in results:
        measured = results["diff"]
        lines.append(f"| metricspec diff BASE HEAD, 1,000 files all changed ({measured['changes']:,} changes) | "
                     f"{measured['diff']['median']:.3f} |")
        lines.append(f"| metricspec lint, a checkout of that HEAD | {measured['lint']['median']:.3f} |")
    for key in ("version", "rules"):
        if key in results["commands"]:
            lines.append(f"| metricspec {'--version' if key == 'version' else key} | {results['commands'][key]['median']:.3f} |")
    if "10000" in results["workspaces"]:
        lint = results["workspaces"]["10000"]["lint"]
        lines.append(f"\npeak memory, 10,000 files: {lint['tree_pss_kb'] / 1024:.0f} MB PSS summed over the process and "
                     f"its forked workers ({lint['tree_rss_kb'] / 1024:.0f} MB RSS summed, counting shared pages once per "
                     f"process; largest single process {lint['max_rss_kb'] / 1024:.0f} MB RSS)")
    commands = results["commands"]
    for key in ("version", "rules", "lint"):
        if key + "_imports" in commands:
            heavy = [name for name in ("pydantic", "pydantic_core", "typer", "click", "rich", "yaml") if name in commands[key + "_imports"]]
            what = "metricspec lint --help" if key == "lint" else f"metricspec {'--version' if key == 'version' else key}"
            lines.append(f"{what} imports {len(commands[key + '_imports'])} top-level modules; of the heavy ones: {', '.join(heavy) or 'none'}")
    lines += ["", "| target | value | wanted | met |", "| --- | ---: | --- | --- |"]
    for name, ratio in results["ratios"].items():
        lines.append(f"| {name} | {ratio['value']:g} | {ratio['target']} | {'yes' if ratio['met'] else 'NO'} |")
    return "\n".join(lines)


# -- status and report over a year of actuals (ACTUALS.md, "Performance"; issue 20) ----------------

ACTUALS_TODAY = "2026-12-01"  # the generated targets run from 2026-07-01: five months of span


def write_actuals_store(folder: Path, days: int = 365, segments: int = 10) -> int:
    """The embedded store of `folder`'s workspace: every metric a year of daily overall values and
    `segments` segment values a day, of its first declared dimension (`region`, undeclared, for a
    metric declaring none: A008's work). One transaction, rows in key order. Returns the rows."""
    import datetime as dt
    import sqlite3

    import yaml

    from metricspec.actuals.store import CREATE_ACTUALS, CREATE_META, SCHEMA_VERSION

    metrics = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if "kind" in node and "id" in node and "name" in node:
                target = node.get("target") or {}
                metrics.append((node["id"], (node.get("segments") or ["region"])[0], target.get("baseline"),
                                target.get("value")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(folder.rglob("*.metrics.yaml")):
        walk(yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    today = dt.date.fromisoformat(ACTUALS_TODAY)
    dates = [(today - dt.timedelta(days=days - 1 - d)).isoformat() for d in range(days)]
    db = folder / "metricspec.db"
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.execute(CREATE_ACTUALS)
    conn.execute(CREATE_META)
    conn.execute("INSERT INTO metricspec_meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    count = 0
    for index, (mid, dimension, baseline, value) in enumerate(sorted(metrics, key=lambda m: m[0])):
        # Values near the target's line, at a pace that differs by metric (ahead, on track,
        # behind, backwards), so statuses and findings are as varied as a real workspace's.
        base = float(baseline) if isinstance(baseline, (int, float)) else 100.0 + index % 37
        goal = float(value) if isinstance(value, (int, float)) else base * 1.2
        pace = (1.2, 1.0, 0.8, 0.5, -0.2)[index % 5] * (goal - base) / (2 * days)
        noise = abs(goal - base or base) * 0.004
        overall = [base + pace * d + noise * ((d * 7919 + index) % 13 - 6) for d in range(days)]
        # Overall first ('' sorts first), then each segment: the key's order, so every insert appends.
        keys = [""] + sorted(f"{dimension}=s{n:02d}" for n in range(segments))
        for k, segment in enumerate(keys):
            share = 1.0 if not segment else 0.05 + 0.01 * k
            conn.executemany("INSERT INTO actuals (metric, at, value, segment) VALUES (?, ?, ?, ?)",
                             ((mid, at, round(share * overall[d], 3), segment) for d, at in enumerate(dates)))
            count += len(dates)
    conn.execute("COMMIT")
    conn.close()
    return count


def measure_actuals(metricspec: str, work: Path, reps: int) -> dict:
    """`metricspec status` and `metricspec report` over 1,000 generated metrics (100 files) with
    a year of daily actuals in 10 segments in the embedded store, spec loading included (the
    targets: 3 s and 5 s, the page under 5 MB). Self-contained: its own workspace and store."""
    folder = work / "actuals-1000"
    if not (folder / "metricspec.db").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_workspace(str(folder), 100)
        started = time.perf_counter()
        rows = write_actuals_store(folder)
        print(f"stored {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    status = [metricspec, "status", ".", "--today", ACTUALS_TODAY, "--format", "json", "--output", str(work / "status.json")]
    report = [metricspec, "report", ".", "--today", ACTUALS_TODAY, "--output", str(work / "report.html")]
    measured = measure_together([("metricspec status, 1,000 metrics", status, str(folder), False, reps),
                                 ("metricspec report, 1,000 metrics", report, str(folder), False, reps)])
    import sqlite3

    with sqlite3.connect(folder / "metricspec.db") as conn:
        rows = conn.execute("SELECT COUNT(*) FROM actuals").fetchone()[0]
    return {"metrics": 1000, "rows": rows, "status": measured[0], "report": measured[1],
            "report_bytes": (work / "report.html").stat().st_size}


def run_actuals(args) -> int:
    """`--actuals`: generate (or reuse, under --workdir), measure, print, write results/actuals.json."""
    metricspec = str(BIN / "metricspec") if (BIN / "metricspec").exists() else shutil.which("metricspec")
    if not metricspec:
        raise SystemExit("metricspec is not installed in this environment: pip install -e .")
    compile_bytecode()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="metricspec-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        entry = measure_actuals(metricspec, work, args.reps)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {machine()['nproc']} cores, Python {platform.python_version()}\n")
    print(actuals_table(entry))
    out = Path(args.json).with_name("actuals.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine(), "actuals": entry}, indent=2) + "\n")
    print(f"\nwritten to {out}")
    return 0


def actuals_table(entry: dict) -> str:
    """The measurement as rows of the results' command table, and its targets."""
    status, report = entry["status"]["median"], entry["report"]["median"]
    size = entry["report_bytes"] / 1e6
    return "\n".join([
        "| command | median (s) |", "| --- | ---: |",
        f"| metricspec status, {entry['metrics']:,} metrics, {entry['rows']:,} stored rows | {status:.3f} |",
        f"| metricspec report, the same ({size:.2f} MB page) | {report:.3f} |",
        "", "| target | value | wanted | met |", "| --- | ---: | --- | --- |",
        f"| status, 1,000 metrics (s) | {status:.2f} | < 3 | {'yes' if status < 3 else 'NO'} |",
        f"| report, 1,000 metrics (s) | {report:.2f} | < 5 | {'yes' if report < 5 else 'NO'} |",
        f"| report page (MB) | {size:.2f} | < 5 | {'yes' if size < 5 else 'NO'} |",
    ])


if __name__ == "__main__":
    sys.exit(main())
