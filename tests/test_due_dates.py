"""Due dates that mean one instant (``python -m autograder due``), on both sides of UTC:
what is refused, what the gradebook then holds, stock nbgrader's late penalties
reading it, and the release guard at the real instant."""
from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.config import REPO
from autograder.course_admin import due_dates, release as releasing
from autograder.course_admin.due_dates import DueDateError, parse
from autograder.stock_nbgrader import make_course, nbgrader

UTC = datetime.timezone.utc


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).astimezone(UTC)


# ------------------------------------------------------------------ reading a date

@pytest.mark.parametrize("given, zone, course_zone, instant", [
    ("2027-03-09T23:59+09:00", None, None, "2027-03-09T14:59+00:00"),     # east of UTC
    ("2026-12-06T20:00-05:00", None, None, "2026-12-07T01:00+00:00"),     # west of UTC
    ("2027-03-09 23:59:00+09:00", None, None, "2027-03-09T14:59+00:00"),
    ("2027-03-09T23:59Z", None, None, "2027-03-09T23:59+00:00"),
    ("2027-03-09 23:59 UTC", None, None, "2027-03-09T23:59+00:00"),
    ("2027-03-09 23:59", "Asia/Seoul", None, "2027-03-09T14:59+00:00"),
    ("2027-03-09 23:59", None, "Asia/Seoul", "2027-03-09T14:59+00:00"),   # the course's zone
    ("2026-12-06 20:00", "America/New_York", "Asia/Seoul", "2026-12-07T01:00+00:00"),
    ("2027-07-01 20:00", "America/New_York", None, "2027-07-02T00:00+00:00"),   # summer time
    ("2027-03-09 23:59 Asia/Seoul", None, None, "2027-03-09T14:59+00:00"),
    ("2027-03-09T23:59+09:00", "Asia/Seoul", None, "2027-03-09T14:59+00:00"),   # agreeing
])
def test_one_instant_whichever_way_it_is_written(given, zone, course_zone, instant):
    assert parse(given, zone, course_zone).instant == at(instant)


@pytest.mark.parametrize("given, zone, says", [
    ("2027-03-09 23:59:00 +0900", None, "+09:00"),          # nbgrader's misread form
    ("2026-12-06 20:00:00 -0500", None, "-05:00"),
    ("2027-03-09T23:59+0900", None, "900 seconds"),
    ("2027-03-09 23:59", None, "no offset"),                # no offset and no zone
    ("2027-03-09", "Asia/Seoul", "no time of day"),
    ("2027-03-09 23:59 KST", None, "abbreviations"),
    ("2027-03-09 23:59", "Asia/Tokio", "not an IANA time zone"),
    ("2027-03-14 02:30", "America/New_York", "does not exist"),      # clocks go forward
    ("2027-11-07 01:30", "America/New_York", "happens twice"),       # clocks go back
    ("2026-12-06T20:00-04:00", "America/New_York", "-05:00 then"),   # not that zone's offset
    ("2027-02-30 23:59", "UTC", "day is out of range"),
    ("next tuesday", "UTC", "not a date"),
])
def test_anything_ambiguous_is_refused_saying_how_to_write_it(given, zone, says):
    with pytest.raises(DueDateError, match=says.replace("+", r"\+")):
        parse(given, zone)


def test_the_refusal_of_plus_0900_gives_the_form_that_works():
    with pytest.raises(DueDateError) as refused:
        parse("2027-03-09 23:59:00 +0900")
    suggested = str(refused.value).rsplit("E.g. ", 1)[1]
    assert parse(suggested).instant == at("2027-03-09T14:59+00:00")


def test_a_repeated_hour_names_both_instants_to_choose_from():
    with pytest.raises(DueDateError) as refused:
        parse("2027-11-07 01:30", "America/New_York")
    choices = [w.rstrip(",") for w in str(refused.value).split() if w.startswith("2027-11-07T")]
    assert [parse(c).instant for c in choices] == [at("2027-11-07T05:30+00:00"),
                                                   at("2027-11-07T06:30+00:00")]


# ------------------------------------------------------------------ the gradebook

def _course(tmp_path: Path, names, zone="Asia/Seoul") -> Path:
    """A course directory whose gradebook has ``names`` (no nbgrader run)."""
    from nbgrader.api import Gradebook

    from autograder.config import install_fixes

    install_fixes()                      # nbgrader makes a gradebook without `alembic`
    course = make_course(tmp_path / "course", names)
    if zone:
        with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(f"c = get_config()\nc.Course.timezone = {zone!r}\n")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name in names:
            gb.add_assignment(name)
    return course


def _duedate(course: Path, name: str):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_assignment(name).duedate


def test_due_stores_the_instant_as_nbgrader_reads_it_and_prints_it_back(tmp_path, capsys):
    from nbgrader.utils import parse_utc

    course = _course(tmp_path, ["02_forward", "03_loss"])
    assert main(["due", "02_forward", "2027-03-09 23:59", "--course-dir", str(course)]) == 0
    out = capsys.readouterr().out
    assert "2027-03-09 14:59 UTC = 2027-03-09 23:59 Asia/Seoul (+09:00)" in out
    assert _duedate(course, "02_forward") == datetime.datetime(2027, 3, 9, 14, 59)
    # nbgrader's own reader agrees with what it stores for the ISO form
    assert parse_utc("2027-03-09T23:59:00+09:00") == _duedate(course, "02_forward")

    assert main(["due", "03_loss", "2026-12-06T20:00-05:00", "--course-dir", str(course)]) == 0
    out = capsys.readouterr().out
    assert "2026-12-07 01:00 UTC = 2026-12-07 10:00 Asia/Seoul (+09:00)" in out
    assert _duedate(course, "03_loss") == datetime.datetime(2026, 12, 7, 1, 0)
    assert due_dates.unconfirmed(course) == []

    assert main(["due", "02_forward", "2027-03-09 23:59:00 +0900",
                 "--course-dir", str(course)]) == 2
    assert "+09:00" in capsys.readouterr().err
    assert main(["due", "02_froward", "2027-03-09T23:59+09:00",
                 "--course-dir", str(course)]) == 2
    assert "02_froward: not an assignment of this course" in capsys.readouterr().err
    assert _duedate(course, "02_forward") == datetime.datetime(2027, 3, 9, 14, 59)

    assert main(["due", "--course-dir", str(course)]) == 0       # the list
    listed = capsys.readouterr().out
    assert "02_forward: due 2027-03-09 14:59 UTC" in listed and "not confirmed" not in listed


def test_a_due_date_set_with_nbgraders_misread_form_is_not_trusted_until_set_again(
        tmp_path, capsys):
    course = _course(tmp_path, ["02_forward", "04_gradients"])
    nbgrader(course, "db", "assignment", "add", "02_forward",
             "--duedate=2027-03-09 23:59:00 +0900")
    # nbgrader's reading: +900 seconds, 23:44 UTC instead of 14:59
    assert _duedate(course, "02_forward") == datetime.datetime(2027, 3, 9, 23, 44)
    problems = due_dates.unconfirmed(course)
    assert len(problems) == 1 and "02_forward" in problems[0] and "+0900" in problems[0]

    # release and bundle refuse it, and say how to fix it
    assert main(["release", "04_gradients", "--course-dir", str(course)]) == 2
    err = capsys.readouterr().err
    assert "python -m autograder due 02_forward 2027-03-10T08:44+09:00" in err
    assert not (course / "release").exists()
    assert main(["bundle", "04_gradients", "--course-dir", str(course),
                 "--out", str(tmp_path / "bundle")]) == 2
    assert "not bundling" in capsys.readouterr().err
    assert not (tmp_path / "bundle").exists()

    # the feedback policy "due" refuses it too
    from autograder.course_admin.due_dates import UnconfirmedDueDate
    from autograder.reporting.feedback import decisions
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("c.FeedbackPolicy.hidden_tests = {'02_forward': 'due'}\n")
    with pytest.raises(UnconfirmedDueDate, match="not writing feedback"):
        decisions(course, ["02_forward"])
    assert decisions(course, ["02_forward"], show_hidden_tests=True)["02_forward"].show

    # the right date, set with `due`, is trusted
    assert main(["due", "02_forward", "2027-03-09T23:59+09:00", "--course-dir", str(course)]) == 0
    assert due_dates.unconfirmed(course) == []
    decided = decisions(course, ["02_forward"], now=at("2027-03-09T14:58:59+00:00"))
    assert not decided["02_forward"].show
    assert "23:59 Asia/Seoul" in decided["02_forward"].text
    assert decisions(course, ["02_forward"], now=at("2027-03-09T14:59+00:00"))["02_forward"].show

    # ...until something else changes the gradebook behind its back
    nbgrader(course, "db", "assignment", "add", "02_forward",
             "--duedate=2027-03-10T23:59:00+09:00")
    assert "changed after `due` set it" in due_dates.unconfirmed(course)[0]


# ------------------------------------------------------------------ release at the instant

def test_release_waits_for_the_instant_given_west_of_utc(tmp_path, capsys):
    """05_backprop shows 03_loss's softmax: not one second before 03_loss is due."""
    course = _course(tmp_path, ["03_loss", "05_backprop"])
    assert main(["due", "03_loss", "2026-12-06T20:00-05:00", "--course-dir", str(course)]) == 0
    dates = releasing.due_dates(course)
    assert releasing.release_problems(["05_backprop"], dates, at("2026-12-07T00:59:59+00:00"))[0]
    assert releasing.release_problems(["05_backprop"], dates, at("2026-12-07T01:00+00:00")) \
        == ([], [])
    # nbgrader's misreading of -0500 (-500 s) would have allowed it 8 minutes early, at 00:52

    now = datetime.datetime.now(UTC).replace(microsecond=0)
    soon = (now + datetime.timedelta(minutes=10)).astimezone(
        datetime.timezone(datetime.timedelta(hours=-5)))
    assert main(["due", "03_loss", soon.isoformat(), "--course-dir", str(course)]) == 0
    assert main(["release", "05_backprop", "--course-dir", str(course)]) == 2
    err = capsys.readouterr().err
    assert "not releasing: 05_backprop shows working code of 03_loss (softmax, " \
           "cross_entropy_error)" in err and "--allow-early" in err
    assert not (course / "release").exists()
    assert main(["release", "05_backprop", "--course-dir", str(course), "--allow-early"]) == 0
    assert "releasing early" in capsys.readouterr().err
    assert (course / "release" / "05_backprop" / "05_backprop.ipynb").is_file()
    shutil.rmtree(course / "release")

    past = (now - datetime.timedelta(minutes=1)).astimezone(
        datetime.timezone(datetime.timedelta(hours=9)))
    assert main(["due", "03_loss", past.isoformat(), "--course-dir", str(course)]) == 0
    assert main(["release", "05_backprop", "--course-dir", str(course)]) == 0
    assert "warning" not in capsys.readouterr().err
    assert (course / "release" / "05_backprop" / "05_backprop.ipynb").is_file()


# ------------------------------------------------------------------ late penalties

NAME = "01_arrays"


def _submit(course: Path, student: str, when: datetime.datetime) -> None:
    folder = course / "submitted" / student / NAME
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "source" / NAME / f"{NAME}.ipynb", folder / f"{NAME}.ipynb")
    # as `nbgrader collect` leaves it (Exchange.timezone UTC)
    (folder / "timestamp.txt").write_text(f"{when.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f} UTC")


def _scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: (s.score, s.late_submission_penalty, s.total_seconds_late)
                for s in gb.assignment_submissions(NAME)}


def test_stock_nbgrader_late_penalties_read_the_instant(tmp_path, capsys):
    """A minute early keeps its marks; six minutes late is late, under either penalty
    method and on either side of UTC, where nbgrader's own reading of +0900 (or -0500)
    would have had it on time."""
    course = make_course(tmp_path / "course", [NAME])          # no gradebook yet
    for offset, method in (("+09:00", "zero"), ("-05:00", "none")):
        due = datetime.datetime.fromisoformat(f"2027-03-09T23:59:00{offset}")
        assert main(["due", NAME, due.isoformat(), "--course-dir", str(course)]) == 0
        # the first `due` registers 01_arrays with its notebook and cells, as init does
        assert ("registered 01_arrays" in capsys.readouterr().out) == (offset == "+09:00")
        _submit(course, "early", due - datetime.timedelta(minutes=1))
        _submit(course, "late", due + datetime.timedelta(minutes=6))
        nbgrader(course, "autograde", NAME, "--force",
                 f"--LateSubmissionPlugin.penalty_method={method}")
        scores = _scores(course)
        full = scores["early"][0]
        assert full > 0 and scores["early"][1:] == (0.0, 0.0), (offset, scores)
        score, penalty, late = scores["late"]
        assert late == 360.0 and score == full, (offset, scores)   # the raw score
        assert penalty == (full if method == "zero" else 0.0), (offset, method, scores)
