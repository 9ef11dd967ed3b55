"""Where the seed documents are: ``../shared/seeds`` beside the repository,
else the repository's byte-for-byte copy in ``data/seeds/``.

Tests that read the seed text itself use ``seed_dir()``. It looks beside the
repository root (the checkout, and for a git worktree elsewhere, the main
checkout too; ``SEEDS_DIR`` overrides), then at the copy, which a fresh
clone always has (``tests/test_seed_copy.py`` keeps it equal to the
original). Without either the test is skipped on a developer's machine, but
FAILS under CI (``CI=true``): a CI run that silently checked nothing would
look green.
"""

import os
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).absolute().parents[1]
COPY = REPOSITORY / "data" / "seeds"


def _candidates() -> list[Path]:
    if os.environ.get("SEEDS_DIR"):
        return [Path(os.environ["SEEDS_DIR"])]
    roots = [REPOSITORY, REPOSITORY.resolve()]
    try:
        common = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],  # noqa: S607
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        roots.append(Path(common).parent)  # the main checkout of a worktree
    except (OSError, subprocess.CalledProcessError):
        pass
    return [root.parent / "shared" / "seeds" for root in roots] + [COPY]


def seed_dir() -> Path:
    """The seeds folder; skip (or fail under CI) when it is not there."""
    candidates = _candidates()
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    where = ", ".join(str(c) for c in dict.fromkeys(candidates))
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(f"seeds folder not found (looked in {where}); CI must check the seeds")
    pytest.skip(f"seeds folder not found (looked in {where})")


def seed_file(name: str) -> Path:
    path = seed_dir() / name
    if not path.is_file():
        pytest.fail(f"seed {name} is missing from {path.parent}")
    return path
