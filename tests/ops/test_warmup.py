"""A gunicorn worker warms itself before its first request (gunicorn.conf.py)."""

from trustmonitor.warmup import project_template_names, warm


def test_warming_compiles_every_project_template_without_the_database():
    # No database fixture: pytest-django fails any query made here.
    names = project_template_names()
    assert "registration/login.html" in names
    assert "base.html" in names
    # Every template of the project compiles: one that did not would break
    # its page, and would be skipped by warm().
    assert warm() == len(names)
