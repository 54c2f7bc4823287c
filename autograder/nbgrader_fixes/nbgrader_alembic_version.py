"""nbgrader's gradebook schema version, read once and in process.

Every time nbgrader creates a gradebook it stamps it with its schema's
alembic head, which it learns by running the ``alembic`` command
(``nbgrader.api.get_alembic_version``): a second Python start-up, about two
CPU-seconds on a small machine, for a constant of the installed nbgrader.
``grade`` creates a gradebook per run (the workers' template) and
``generate_assignment`` one per scratch course, so :func:`install` replaces
that function with one that asks alembic's own Python API, once per process,
for the same head. The value is identical (tests/test_autograder_units.py
compares them); only the subprocess is gone.

Can go when nbgrader reads its alembic head in process (``nbgrader.api.get_alembic_version``
no longer runs ``alembic`` as a command).
"""
from __future__ import annotations

import functools
from pathlib import Path


def head() -> str:
    """The newest revision among nbgrader's own alembic migrations."""
    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


def install() -> None:
    import nbgrader.api as api

    if getattr(api.get_alembic_version, "in_process", False):
        return
    original = api.get_alembic_version

    @functools.cache
    def get_alembic_version() -> str:
        try:
            return head()
        except Exception:  # noqa: BLE001 - an nbgrader laid out differently: ask as it does
            return original()

    get_alembic_version.in_process = True
    get_alembic_version.original = original
    api.get_alembic_version = get_alembic_version
