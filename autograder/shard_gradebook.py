"""A worker's scratch gradebook: one database engine for the worker's life, and the pristine
template put back before each submission.

nbgrader opens a new ``Gradebook`` about a dozen times per notebook it autogrades, and each
one builds a new SQLAlchemy engine: a new SQLite connection, the schema inspected table by
table (``create_all``), and every query compiled again, since compiled statements are cached
per engine; closing it throws the engine away. In a worker all of them open one file, the
shard's gradebook, whose schema the first of them has checked. :func:`install` makes every
later one share that engine (sessions stay one per ``Gradebook``, as in nbgrader), which
saves about 6 ms per open and most of the query compiling.

:func:`reset` overwrites the file with the template (the assignment definitions, nothing
of any student) before each submission: a clean slate that removes whatever the previous
submission left, more thoroughly and far faster than deleting its rows through the ORM.
"""
from __future__ import annotations

from pathlib import Path

_SHARED: dict = {}   # db_url -> the engine every Gradebook on it uses


def install(db_url: str) -> None:
    """Share one engine among the Gradebooks opened on ``db_url`` in this process."""
    from nbgrader import api
    from sqlalchemy.orm import scoped_session, sessionmaker

    if getattr(api.Gradebook, "shared_engines", None) is _SHARED:
        _SHARED.setdefault(db_url, None)
        return
    stock_init, stock_close = api.Gradebook.__init__, api.Gradebook.close

    def __init__(self, url, course_id="default_course", authenticator=None):
        engine = _SHARED.get(url)
        if engine is None:   # the first open (or another database): nbgrader's own checks
            stock_init(self, url, course_id, authenticator)
            if url in _SHARED:
                _SHARED[url], self.shared = self.engine, True
            return
        self.engine, self.shared = engine, True
        self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
        self.check_course(course_id=course_id)
        self.course_id = course_id
        self.authenticator = authenticator

    def close(self):
        if getattr(self, "shared", False):
            self.db.remove()   # the engine, its connection and its compiled queries stay
        else:
            stock_close(self)

    api.Gradebook.__init__, api.Gradebook.close = __init__, close
    api.Gradebook.shared_engines = _SHARED
    _SHARED.setdefault(db_url, None)


def reset(db_url: str, path: Path, template: bytes) -> None:
    """Put the pristine ``template`` in place of the gradebook at ``path`` (``db_url``)."""
    engine = _SHARED.get(db_url)
    if engine is not None:
        engine.dispose()   # no connection may survive into the new file
    Path(path).write_bytes(template)
