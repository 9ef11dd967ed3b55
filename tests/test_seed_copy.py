"""The repository's copy of the seed documents (data/seeds/) is the brief's
own folder byte for byte, so the fixture tests check the real text wherever
the checkout sits."""

import pytest

from tests.seed_files import COPY, _candidates


def _original():
    for candidate in _candidates():
        if candidate != COPY and candidate.is_dir():
            return candidate
    return None


def test_the_copy_holds_the_five_seed_documents():
    assert sorted(p.name for p in COPY.glob("*.txt")) == [
        "000_fdd580ce74286c82.txt",
        "001_c2096644b9313fc3.txt",
        "002_c90f74a1f6a579c2.txt",
        "003_63a1f8a883f4fd17.txt",
        "004_686d8300e932638e.txt",
    ]


def test_the_copy_is_the_original_byte_for_byte():
    original = _original()
    if original is None:
        pytest.skip("the brief's seeds folder is not beside this checkout; the copy is used")
    for path in sorted(original.glob("*.txt")):
        assert (COPY / path.name).read_bytes() == path.read_bytes(), path.name
