"""Do a new server process's one-off work before it takes a request.

A fresh gunicorn worker (at start-up, and each time one is recycled after
``max_requests``) would otherwise spend its first requests importing every
view, compiling templates and reading the static manifest: up to 2 s for the
first log-in page a worker served in the load test. gunicorn.conf.py calls
``warm()`` in each worker before it accepts connections. Nothing here reads
or writes the database.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver


def project_template_names() -> list[str]:
    """Every template of this project (its templates/ folder and its apps'),
    as the loaders name them; Django's and other packages' are left to load
    when first used (the admin's alone are a few hundred)."""
    base = Path(settings.BASE_DIR)
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
    ]
    return sorted(
        {
            path.relative_to(folder).as_posix()
            for folder in folders
            if folder.is_dir()
            for path in folder.rglob("*")
            if path.suffix in {".html", ".txt", ".md", ".svg", ".xml"}
        }
    )


def warm() -> int:
    """Import every view (the URLconf), compile the project's templates into
    the cached loader and read the static manifest; return the number of
    templates compiled."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    resolver.reverse_dict  # noqa: B018 - builds the reverse lookup tables
    engine = engines["django"]
    compiled = 0
    for name in project_template_names():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            # Not a template after all (e.g. an SVG with braces): the first
            # request that uses it, if any, reports it as usual.
            continue
        compiled += 1
    staticfiles_storage.url("img/favicon.svg")  # every page links it
    return compiled
