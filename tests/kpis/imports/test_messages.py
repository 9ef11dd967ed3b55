"""The package keeps every name importable from ``kpis.imports``, as before
it was split: views, commands and tests import message texts from there."""

import importlib

from kpis import imports
from kpis.imports import messages


def test_it_re_exports_every_message_from_the_package():
    names = [name for name in vars(messages) if name.isupper()]
    assert len(names) > 60
    for name in names:
        assert getattr(imports, name) is getattr(messages, name), name


def test_it_re_exports_each_public_name_from_the_module_that_owns_it():
    for module, names in imports._OWNERS.items():
        owner = importlib.import_module(f"kpis.imports.{module}")
        for name in names:
            assert getattr(imports, name) is getattr(owner, name), name


def test_messages_name_their_placeholders():
    """Every {placeholder} is named, so a message's call site says what goes where."""
    for name, text in vars(messages).items():
        if name.isupper():
            assert "{}" not in text and "{!r}" not in text, name
