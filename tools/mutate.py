"""Mutation testing of the domain modules with mutmut 3 (`make mutate`; not in CI).

Each module is mutated on its own, against only the test files that are meant
to catch its bugs (mutmut then runs, for each mutant, only the tests among
those that call the mutated function). Usage:

    .venv/bin/python tools/mutate.py                  # every module below
    .venv/bin/python tools/mutate.py rating periods   # some of them
    MUTATE_CHILDREN=1 .venv/bin/python tools/mutate.py access
    MUTATE_KEEP=1 .venv/bin/python tools/mutate.py periods   # resume a run cut short
    MUTATE_TESTS="tests/kpis/test_rating.py" .venv/bin/python tools/mutate.py rating  # other tests
    MUTATE_ONLY="kpis.services.x_targets_set__mutmut_*" .venv/bin/python tools/mutate.py services

mutmut 3 leaves every decorated function alone, so in the copy a bare
``@transaction.atomic`` is taken off and put back after the module's last line
(``name = transaction.atomic(name)``): the same function, in one transaction,
now mutated. (Taking the decorator away itself is no mutant mutmut makes;
docs/testing.md says how each was checked by hand.)

Each module runs in its own scratch copy of the project (``MUTATE_DIR``,
default /tmp/trustmonitor-mutate/<module>), with a ``setup.cfg`` [mutmut]
section of its own (mutmut reads it as pyproject.toml has no [tool.mutmut]), so
modules can run side by side and the checkout is left alone. It prints the score per module:
killed / (mutants - "no tests"), with the survivors listed for `mutmut show`.
Results go in docs/testing.md by hand, with the date. On a loaded machine,
``tools/mutants_one_session.py`` runs a scratch copy's mutants in one pytest
session instead, many times faster (its docstring says how).
"""

import os
import re
import shutil
import subprocess  # nosec B404 - runs mutmut with fixed arguments
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# module -> the test files that check it (rules first, then their callers).
MODULES = {
    "rating": ("kpis/rating.py", ["tests/kpis/test_rating.py"]),
    "periods": (
        "kpis/periods.py",
        ["tests/kpis/test_periods.py", "tests/security/test_hostile_periods.py"],
    ),
    "spc": (
        "kpis/spc.py",
        [
            "tests/kpis/test_spc.py",
            "tests/kpis/test_spc_exactness.py",
            # limits_place and process_limits: the plausibility rule's
            "tests/kpis/test_plausibility.py",
        ],
    ),
    "questions": ("kpis/questions.py", ["tests/kpis/test_questions.py"]),
    "plausibility": ("kpis/plausibility.py", ["tests/kpis/test_plausibility.py"]),
    "access": (
        "kpis/access.py",
        [
            "tests/test_permissions.py",
            "tests/test_cross_organisation.py",
            "tests/test_organisation_scoping.py",
            # the denials' log lines; an unknown national measure
            "tests/security/test_security_log.py",
            "tests/national/views/test_measure_pages.py",
            # commissioned_organisations: the review queue on the home page
            "tests/kpis/views/test_home.py",
        ],
    ),
    "selectors": (
        "kpis/selectors.py",
        [
            "tests/kpis/test_selectors_national.py",
            "tests/kpis/views/",
            "tests/test_organisation_scoping.py",
        ],
    ),
    "services": (
        "kpis/services.py",
        [
            "tests/kpis/services/",
            "tests/kpis/views/test_returns.py",
            "tests/test_organisation_scoping.py",
            # every write moves the status cache on; returns and targets are logged
            "tests/kpis/test_status_cache.py",
            "tests/security/test_security_log.py",
        ],
    ),
    "imports": ("kpis/imports/*", ["tests/kpis/imports/", "tests/test_organisation_scoping.py"]),
    "inspections": (
        "inspections/selectors.py",
        [
            "tests/inspections/test_selectors.py",
            # the ILACS neighbours' summary and order
            "tests/inspections/test_selectors_ilacs.py",
            "tests/inspections/views/",
            "tests/test_organisation_scoping.py",
        ],
    ),
}

CONFIG = """[mutmut]
source_paths =
    kpis
    inspections
    reports
    national
only_mutate =
    {module}
also_copy =
{also_copy}
pytest_add_cli_args =
    -p
    no:randomly
    -q
    -x
pytest_add_cli_args_test_selection =
{tests}
"""


SOURCE_PATHS = {"kpis", "inspections", "reports", "national"}
# Besides the packages (found in the copy, so a new app is never left out).
ALSO_COPY = ["conftest.py", "templates", "fixtures", "static", "data", "manage.py"]

SKIP = shutil.ignore_patterns(
    ".git", ".venv", "mutants", "__pycache__", ".hypothesis", ".ruff_cache", "node_modules",
    "staticfiles", "db.sqlite3", "tools",
)  # fmt: skip


def mutate(name: str, children: str) -> None:
    module, tests = MODULES[name]
    if os.environ.get("MUTATE_TESTS"):  # a narrower selection, e.g. one test file
        tests = os.environ["MUTATE_TESTS"].split()
    print(f"=== {name}: {module} against {' '.join(tests)}", flush=True)
    work = Path(os.environ.get("MUTATE_DIR", "/tmp/trustmonitor-mutate")) / name  # noqa: S108
    if os.environ.get("MUTATE_KEEP") and (work / "mutants").is_dir():
        pass  # resume: mutmut runs only the mutants not checked yet
    else:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(ROOT, work, ignore=SKIP, symlinks=True)
    for path in work.glob(module):
        if path.suffix == ".py":
            _atomic_after(path)
    packages = sorted(
        p.parent.name for p in work.glob("*/__init__.py") if p.parent.name not in SOURCE_PATHS
    )
    (work / "setup.cfg").write_text(
        CONFIG.format(
            module=module,
            tests=_lines(tests),
            also_copy=_lines([*packages, *ALSO_COPY]),
        ),
        encoding="utf-8",
    )
    mutmut = [str(Path(sys.executable).parent / "mutmut")]
    only = os.environ.get("MUTATE_ONLY", "").split()  # mutant names or globs
    subprocess.run(  # noqa: S603
        [*mutmut, "run", "--max-children", children, *only], cwd=work, check=False
    )
    results = subprocess.run(  # noqa: S603
        [*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True, check=False
    ).stdout
    statuses = [line.rsplit(": ", 1)[-1].strip() for line in results.splitlines() if ": " in line]
    killed = sum(s == "killed" for s in statuses)
    untested = sum(s == "no tests" for s in statuses)
    unchecked = sum(s == "not checked" for s in statuses)
    judged = len(statuses) - untested - unchecked
    score = 100 * killed / judged if judged else 0.0
    print(
        f"=== {name}: {killed}/{judged} killed ({score:.1f} %), {untested} with no tests, "
        f"{unchecked} not checked yet"
    )
    for line in results.splitlines():
        if line.strip().endswith(("survived", "timeout", "suspicious")):
            print("   ", line.strip())


ATOMIC = re.compile(r"^@transaction\.atomic\n(def (\w+)\()", re.MULTILINE)


def _atomic_after(path: Path) -> None:
    """``@transaction.atomic`` def f → def f … f = transaction.atomic(f), in the copy."""
    text = path.read_text(encoding="utf-8")
    names = ATOMIC.findall(text)
    if names:
        text = ATOMIC.sub(r"\1", text).rstrip("\n") + "\n\n\n"
        text += "".join(f"{name} = transaction.atomic({name})\n" for _, name in names)
        path.write_text(text, encoding="utf-8")


def _lines(items) -> str:
    return "\n".join(f"    {item}" for item in items)


def main(argv: list[str]) -> None:
    names = argv or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        sys.exit(f"unknown module(s) {unknown}; choose from {list(MODULES)}")
    children = os.environ.get("MUTATE_CHILDREN", "2")  # the machine is shared
    for name in names:
        mutate(name, children)


if __name__ == "__main__":
    main(sys.argv[1:])
