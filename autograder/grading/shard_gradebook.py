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

Scratch SQLite files -- the shard's gradebook (:func:`scratch_sqlite`, the whole worker) and
the template the instructor's process writes (:func:`unsynced`) -- skip the fsync per commit:
nbgrader commits once per cell it records, and both are rebuilt whenever they are needed.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

_SHARED: dict = {}   # db_url -> the engine every Gradebook on it uses


def forget_engines() -> None:
    """Drop the engines of the process this one was forked from (never closing them: their
    connections are that process's)."""
    _SHARED.clear()


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


def _no_fsync(files: set | None):
    """An engine "connect" listener: no fsync in SQLite files ``files`` (None: in all)."""
    def on_connect(connection, _record) -> None:
        if type(connection).__module__.startswith("sqlite3"):
            cursor = connection.cursor()
            if files is None or files & {row[2] for row in cursor.execute("PRAGMA database_list")}:
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA journal_mode=MEMORY")
            cursor.close()
    return on_connect


def scratch_sqlite() -> None:
    """No fsync in any SQLite database of this process: a worker's only one is the shard's
    gradebook (the real gradebook is written by the instructor's process)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", _no_fsync(None))


@contextmanager
def unsynced(db_path: Path):
    """No fsync in the SQLite file ``db_path`` while this lasts (writing the template
    gradebook falls from about 1.3 s to 0.4 s for this course's six assignments)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    listener = _no_fsync({os.path.abspath(db_path), str(Path(db_path).resolve())})
    event.listen(Engine, "connect", listener)
    try:
        yield
    finally:
        event.remove(Engine, "connect", listener)
