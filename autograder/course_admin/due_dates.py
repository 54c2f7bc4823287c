"""``python -m autograder due ASSIGNMENT WHEN [--zone ZONE]``: a due date that is one instant.

nbgrader keeps an assignment's due date in its gradebook as a UTC time without a
zone, and reads what an instructor types with ``nbgrader.utils.parse_utc``. That
reader takes the last word of ``2027-03-09 23:59:00 +0900`` for an offset in
*seconds*: 900 s instead of nine hours, so the date lands 8 h 45 min late (and
``-0500`` lands 5 h 8 min early, which hands out answers before they are due).
This command reads a date one way only and refuses whatever could mean two
instants:

* an ISO 8601 date and time with an offset: ``2027-03-09T23:59+09:00``
  (``Z`` or ``UTC`` for UTC; a space instead of ``T`` is fine);
* or a date and time without one, read in an IANA zone: ``--zone Asia/Seoul``, or
  the course's zone (``c.Course.timezone`` in its ``nbgrader_config.py``, which
  ``init`` writes).

Refused: no offset and no zone; offsets without a colon (``+0900``, nbgrader's
misread form); zone abbreviations (``CST`` names three zones); a date without a
time; an offset the zone does not have at that moment; a local time the zone
skips (clocks going forward) or has twice (clocks going back).

The instant goes into the gradebook as nbgrader keeps it (``Assignment.duedate``,
naive UTC), so stock nbgrader's late penalties and formgrader read it right, and
a record of it into a table of our own in the same database
(:data:`RECORD_TABLE`). :func:`unconfirmed` compares the two: a due date set any
other way (``nbgrader db assignment add --duedate``, formgrader) or changed since
has no matching record, and ``release``, ``bundle`` and the feedback policy
``"due"`` refuse to act on it until it is set again with this command.
"""
from __future__ import annotations

import datetime
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

UTC = datetime.timezone.utc
RECORD_TABLE = "nn_due_dates"
#: The setting of a course's zone in its nbgrader_config.py.
ZONE_SETTING = "c.Course.timezone"
EXAMPLE = "2027-03-09T23:59+09:00"

_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?"
    r"\s*(?P<zone>.*)$")
_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<h>\d{2}):(?P<m>\d{2})$")
_BARE_OFFSET = re.compile(r"^[+-]\d{2,4}$")


class DueDateError(ValueError):
    """A due date that could be read more than one way, or not at all; the message says how
    to write it."""


@dataclass(frozen=True)
class Due:
    instant: datetime.datetime      # aware, UTC
    zone: str = ""                  # the IANA zone it was given in ("" for an offset)
    given: str = ""                 # as the instructor typed it

    @property
    def naive_utc(self) -> datetime.datetime:
        """What nbgrader's gradebook keeps."""
        return self.instant.replace(tzinfo=None)


def zone_info(name: str):
    """The IANA zone ``name`` (DueDateError when there is no such zone)."""
    import zoneinfo

    try:
        if not name or name != name.strip() or name.startswith(("/", ".")):
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DueDateError(f"{name!r} is not an IANA time zone; use a name such as "
                           "Asia/Seoul, Europe/Berlin, America/New_York or UTC") from None


def _local_instant(local: datetime.datetime, zone: str) -> datetime.datetime:
    """The one instant ``local`` (naive) names in ``zone``; refuses gaps and repeats."""
    tz = zone_info(zone)
    first, second = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    exists = [moment for moment in (first, second)
              if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local]
    if not exists:
        raise DueDateError(f"{local:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks skip "
                           "it; pick a time outside the change")
    if first.utcoffset() != second.utcoffset():
        raise DueDateError(
            f"{local:%Y-%m-%d %H:%M} happens twice in {zone} (the clocks go back): give the "
            f"offset you mean, {_iso(first)} or {_iso(second)}")
    return first.astimezone(UTC)


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


def parse(text: str, zone: str | None = None, course_zone: str | None = None) -> Due:
    """The instant ``text`` names (see the module docstring); ``zone`` is ``--zone``,
    ``course_zone`` the course's ``c.Course.timezone``."""
    given = " ".join(str(text).split())
    m = _DATE_TIME.match(given)
    if not m:
        raise DueDateError(f"{given!r} is not a date and time; write it as ISO 8601, e.g. "
                           f"{EXAMPLE} or '2027-03-09 23:59' with --zone Asia/Seoul")
    if not m["time"]:
        raise DueDateError(f"{given!r} has no time of day (the first or the last minute of "
                           "that day?); add one, e.g. 2027-03-09T23:59+09:00")
    clock = m["time"] if m["time"].index(":") == 2 else "0" + m["time"]      # 9:05 -> 09:05
    try:
        local = datetime.datetime.fromisoformat(f"{m['date']}T{clock}")
    except ValueError as error:
        raise DueDateError(f"{given!r} is not a date and time: {error}") from None
    suffix = m["zone"].strip()
    offset = None
    if suffix in ("Z", "z", "UTC", "utc", "+00:00", "-00:00"):
        offset = datetime.timedelta(0)
    elif _OFFSET.match(suffix):
        o = _OFFSET.match(suffix)
        offset = (1 if o["sign"] == "+" else -1) * datetime.timedelta(hours=int(o["h"]),
                                                                    minutes=int(o["m"]))
    elif _BARE_OFFSET.match(suffix):
        digits = suffix[1:]
        hhmm = f"{suffix[0]}{digits[:2]}:{(digits[2:] or '00'):0>2}"
        raise DueDateError(
            f"{given!r}: write the offset with a colon, {hhmm}; nbgrader reads {suffix} as "
            f"{int(suffix)} seconds, not hours. E.g. "
            f"{m['date']}T{clock}{hhmm}")
    elif "/" in suffix:
        if zone and zone != suffix:
            raise DueDateError(f"{given!r} names the zone {suffix}, --zone says {zone}")
        zone = suffix
    elif suffix:
        raise DueDateError(
            f"{given!r}: {suffix!r} is not an offset such as +09:00 or an IANA zone such as "
            "Asia/Seoul (abbreviations like CST or IST name several zones)")
    if offset is not None:
        instant = local.replace(tzinfo=datetime.timezone(offset)).astimezone(UTC)
        if zone:
            tz = zone_info(zone)
            if instant.astimezone(tz).utcoffset() != offset:
                raise DueDateError(
                    f"{given!r} has the offset {suffix}, but {zone} is at "
                    f"{_offset_text(instant.astimezone(tz))} then; drop one of them")
        return Due(instant, zone or "", given)
    zone = zone or course_zone
    if not zone:
        raise DueDateError(
            f"{given!r} has no offset and the course has no time zone, so it is that time "
            f"somewhere for 26 hours: add an offset ({m['date']}T{clock}+09:00) or "
            f"--zone Asia/Seoul (or set {ZONE_SETTING} in nbgrader_config.py)")
    return Due(_local_instant(local, zone), zone, given)


def _offset_text(moment: datetime.datetime) -> str:
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}" if text else "+00:00"


def describe(instant: datetime.datetime, zone: str | None = None) -> str:
    """``2027-03-09 14:59 UTC = 2027-03-09 23:59 Asia/Seoul (+09:00)``."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    utc = instant.astimezone(UTC)
    text = f"{utc:%Y-%m-%d %H:%M}" + (f":{utc:%S}" if utc.second else "") + " UTC"
    if zone and zone != "UTC":
        local = utc.astimezone(zone_info(zone))
        text += (f" = {local:%Y-%m-%d %H:%M}" + (f":{local:%S}" if local.second else "")
                 + f" {zone} ({_offset_text(local)})")
    return text


def shlex_command(*words: str) -> str:
    """``python -m autograder WORDS…``, each word quoted for a shell (WHEN and the like,
    in capitals, left as they are: they are for the reader to fill in)."""
    return " ".join(["python -m autograder"] + [w if w.isupper() else shlex.quote(w)
                                                for w in words])


def command_text(assignment: str, instant: datetime.datetime, zone: str | None) -> str:
    """The ``due`` command that sets ``instant`` again, written in ``zone`` when there is one."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    local = instant.astimezone(zone_info(zone)) if zone else instant.astimezone(UTC)
    return shlex_command("due", assignment, _iso(local))


# ---------------------------------------------------------------- the course's gradebook

def course_zone(course_dir: Path) -> str | None:
    """The course's zone (``c.Course.timezone``), or None when it sets none."""
    from autograder.config import load_course_config

    zone = load_course_config(Path(course_dir)).get("Course", {}).get("timezone")
    return str(zone) if zone else None


def gradebook_url(course_dir: Path) -> str:
    """The gradebook URL the course's ``nbgrader_config.py`` gives nbgrader."""
    from nbgrader.coursedir import CourseDirectory

    from autograder.config import load_course_config

    config = load_course_config(Path(course_dir))
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(Path(course_dir).resolve())
    return CourseDirectory(config=config).db_url


def gradebook_exists(url: str) -> bool:
    return not url.startswith("sqlite:///") or Path(url[len("sqlite:///"):]).exists()


def _record_table():
    from sqlalchemy import Column, MetaData, String, Table

    return Table(RECORD_TABLE, MetaData(),
                 Column("assignment", String(128), primary_key=True),
                 Column("instant", String(40), nullable=False),     # ISO 8601 with offset
                 Column("zone", String(64), nullable=False, default=""),
                 Column("given", String(200), nullable=False, default=""))


def register(course_dir: Path, assignment: str) -> bool:
    """Put an assignment of ``source/`` that the gradebook lacks into it as ``init`` does,
    with its notebooks and cells (a bare entry would leave ``grade`` nothing to grade
    against); True when it did."""
    import tempfile

    from autograder.stock_nbgrader import nbgrader

    course_dir = Path(course_dir)
    url = gradebook_url(course_dir)
    if gradebook_exists(url):
        from nbgrader.api import Gradebook

        with Gradebook(url) as gb:
            if assignment in {a.name for a in gb.assignments}:
                return False
    if not (course_dir / "source" / assignment).is_dir():
        return False
    with tempfile.TemporaryDirectory(prefix="nn-due-") as tmp:
        nbgrader(course_dir, "generate_assignment", assignment, "--force",
                 f"--CourseDirectory.release_directory={tmp}")
    return True


def set_due(course_dir: Path, assignment: str, due: Due) -> None:
    """Store ``due`` as ``assignment``'s due date: in nbgrader's gradebook and in our record."""
    from nbgrader.api import Gradebook

    from autograder.nbgrader_fixes.nbgrader_alembic_version import install

    install()   # a course without our nbgrader_config.py may get its first gradebook here
    table = _record_table()
    with Gradebook(gradebook_url(course_dir)) as gb:
        gb.update_or_create_assignment(assignment, duedate=due.naive_utc)
        table.create(gb.engine, checkfirst=True)
        row = {"assignment": assignment, "instant": due.instant.isoformat(),
               "zone": due.zone, "given": due.given[:200]}
        with gb.engine.begin() as connection:
            connection.execute(table.delete().where(table.c.assignment == assignment))
            connection.execute(table.insert().values(**row))


@dataclass(frozen=True)
class Stored:
    assignment: str
    duedate: datetime.datetime | None       # the gradebook's (naive UTC)
    recorded: datetime.datetime | None      # what `due` set (aware), None if never
    zone: str = ""

    @property
    def confirmed(self) -> bool:
        """The gradebook holds exactly what ``due`` set (or neither holds a date)."""
        if self.recorded is None:
            return self.duedate is None
        return self.duedate == self.recorded.astimezone(UTC).replace(tzinfo=None)


def stored(course_dir: Path, url: str | None = None) -> dict:
    """assignment -> :class:`Stored`, for every assignment of the gradebook ({} without one;
    none is created)."""
    from nbgrader.api import Gradebook
    from sqlalchemy import inspect

    url = url or gradebook_url(course_dir)
    if not gradebook_exists(url):
        return {}
    table = _record_table()
    with Gradebook(url) as gb:
        dates = {a.name: a.duedate for a in gb.assignments}
        records = {}
        if inspect(gb.engine).has_table(RECORD_TABLE):
            with gb.engine.connect() as connection:
                for row in connection.execute(table.select()):
                    try:
                        records[row.assignment] = (datetime.datetime.fromisoformat(row.instant),
                                                   row.zone or "")
                    except ValueError:
                        continue
    return {name: Stored(name, date, *records.get(name, (None, "")))
            for name, date in dates.items()}


def unconfirmed(course_dir: Path, names=None, url: str | None = None) -> list[str]:
    """Why the gradebook's due dates of ``names`` (default: all) cannot be trusted, one
    sentence each, with the command that fixes it ([] when every one round-trips)."""
    zone = course_zone(course_dir)
    found = []
    for name, entry in sorted(stored(course_dir, url).items()):
        if (names is not None and name not in names) or entry.confirmed:
            continue
        if entry.duedate is None:
            found.append(f"{name}'s due date, set to {describe(entry.recorded, zone)} with "
                         "`due`, is gone from the gradebook: set it again with "
                         f"`{command_text(name, entry.recorded, entry.zone or zone)}`")
            continue
        held = entry.duedate.replace(tzinfo=UTC)
        how = ("was changed after `due` set it" if entry.recorded is not None
               else "was not set with `python -m autograder due`")
        found.append(
            f"{name}'s due date in the gradebook, {describe(held, zone)}, {how}, so it may be "
            "nbgrader's misreading of an offset such as +0900 (read as 900 seconds); if that "
            f"instant is right, confirm it with `{command_text(name, held, zone)}`, else set "
            f"the right one with `{shlex_command('due', name, 'WHEN')}`")
    return found


class UnconfirmedDueDate(Exception):
    """A stored due date that ``due`` did not set; the message says how to set it."""


def require_confirmed(course_dir: Path, names, what: str, url: str | None = None) -> None:
    """Raise :class:`UnconfirmedDueDate` when a due date of ``names`` does not round-trip."""
    problems = unconfirmed(course_dir, names, url)
    if problems:
        raise UnconfirmedDueDate(f"not {what}: " + "; ".join(problems))


# ---------------------------------------------------------------- the command

def main(course_dir: Path, assignment: str | None = None, when: str | None = None,
         zone: str | None = None, say=print) -> int:
    """Set ``assignment``'s due date to ``when`` or, without ``when``, show the due dates
    (of ``assignment`` or of every assignment). 0 done, 2 refused (the reason on stderr)."""
    import sys

    from .course_dir import SelectionError, check_assignments, known_assignments

    course_dir = Path(course_dir).resolve()
    try:
        if assignment:
            check_assignments(course_dir, [assignment])
        if zone:
            zone_info(zone)
        home = course_zone(course_dir)
        if home:
            zone_info(home)
        if when is None:
            entries = stored(course_dir)
            names = [assignment] if assignment else known_assignments(course_dir)
            for name in names:
                entry = entries.get(name)
                date = entry.duedate if entry else None
                say(f"{name}: " + (f"due {describe(date, zone or home)}" if date
                                   else "no due date"))
            for problem in unconfirmed(course_dir, names):
                say(f"  not confirmed: {problem}")
            return 0
        due = parse(when, zone, home)
    except (DueDateError, SelectionError) as error:
        print(f"python -m autograder due: {error}", file=sys.stderr)
        return 2
    if register(course_dir, assignment):
        say(f"registered {assignment} in the gradebook, with its notebooks and cells, from "
            f"source/ (nbgrader generate_assignment)")
    set_due(course_dir, assignment, due)
    shown = due.zone if due.zone and due.zone != home else home
    when_text = describe(due.instant, shown)
    if due.zone and home and due.zone != home:
        when_text += f" = {describe(due.instant, home).split(' = ')[-1]}"
    if due.zone != home:
        when_text += f" (given as {due.given!r})"
    past = due.instant <= datetime.datetime.now(UTC)
    say(f"{assignment} is due {when_text}" + (" (already past)" if past else ""))
    if not home:
        say(f"note: the course has no time zone ({ZONE_SETTING} in nbgrader_config.py); "
            "commands show due dates in UTC")
    return 0
