"""The domain modules' doctests run with the suite (`make test`).

Collected here rather than with ``--doctest-modules``, which would also import
every test module and conftest as a doctest module (two ``conftest.py`` then
clash); migrations and management commands hold no doctests.
"""

from pathlib import Path

from _pytest.doctest import DoctestModule

ROOT = Path(__file__).resolve().parent
DOCTEST_APPS = ("kpis", "inspections", "reports", "national")
NO_DOCTESTS = {"migrations", "management"}


def pytest_collect_file(file_path, parent):
    if file_path.suffix != ".py":
        return None
    parts = file_path.resolve().relative_to(ROOT).parts if file_path.is_relative_to(ROOT) else ()
    if parts and parts[0] in DOCTEST_APPS and not NO_DOCTESTS.intersection(parts):
        return DoctestModule.from_parent(parent, path=file_path)
    return None
