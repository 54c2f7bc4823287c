"""When feedback may show the hidden tests: the course's feedback release policy.

Set per assignment in the course's ``nbgrader_config.py`` (the repository's, or
a course directory's), next to nbgrader's own settings::

    c.FeedbackPolicy.hidden_tests = {
        "01_arrays": "2026-12-15T23:59+09:00",   # hidden until this moment, shown after
        "05_backprop": "due",                    # shown after the gradebook's due date
        "06_training": "always",                 # hidden tests are not secret here
    }
    c.FeedbackPolicy.default = "never"           # every other assignment (the default)

Values: ``"never"`` (hidden forever), ``"always"``, ``"due"`` (after the due
date nbgrader's gradebook holds for the assignment, which ``python -m autograder
due`` must have set: feedback refuses any other; hidden while it has none),
or an ISO 8601 date or date-time (``2026-12-15``, ``2026-12-15T23:59``,
with an offset such as ``+09:00``; without one it is in the course's zone,
``c.Course.timezone``, or UTC in a course that sets none). ``feedback`` decides per assignment when it runs,
prints the policy it applied and writes it at the top of every feedback page.
``--show-hidden-tests`` overrides it for one run.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from traitlets import Dict, Unicode
from traitlets.config import Configurable

KEYWORDS = ("never", "always", "due")


class FeedbackPolicy(Configurable):
    """Per-assignment release of hidden-test source in feedback."""

    hidden_tests = Dict(
        key_trait=Unicode(), value_trait=Unicode(), default_value={},
        help="assignment -> 'never', 'always', 'due' or an ISO date(-time) after which "
             "feedback shows its hidden tests").tag(config=True)
    default = Unicode("never", help="the rule of assignments hidden_tests does not name"
                      ).tag(config=True)


@dataclass(frozen=True)
class Decision:
    show: bool
    rule: str          # what the configuration said
    text: str          # one sentence for the console and the feedback page


def parse_moment(text: str, zone: str | None = None) -> datetime.datetime:
    """An ISO date or date-time as an aware datetime (without an offset: in the course's
    ``zone`` when it has one, else UTC)."""
    moment = datetime.datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        if zone:
            from autograder.course_admin.due_dates import zone_info

            return moment.replace(tzinfo=zone_info(zone))
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def load(course_dir: Path) -> FeedbackPolicy:
    """The policy the course's ``nbgrader_config.py`` sets (defaults without one)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (Path(course_dir) / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    return FeedbackPolicy(config=config)


def rule_of(policy: FeedbackPolicy, assignment: str) -> str:
    """The rule the policy sets for ``assignment``."""
    return policy.hidden_tests.get(assignment, policy.default).strip() or "never"


def decide(policy: FeedbackPolicy, assignment: str, duedate=None,
           now: datetime.datetime | None = None, zone: str | None = None) -> Decision:
    """Whether feedback of ``assignment`` shows its hidden tests ``now``, and why
    (the moment shown in UTC and, given one, in the course's ``zone``)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    rule = rule_of(policy, assignment)
    if rule == "never":
        return Decision(False, rule, "hidden tests not shown (policy: hidden for good)")
    if rule == "always":
        return Decision(True, rule, "hidden tests shown (policy: always shown)")
    if rule == "due":
        if duedate is None:
            return Decision(False, rule, "hidden tests not shown (policy: shown after the due "
                                         "date, and the gradebook has none)")
        moment = duedate if isinstance(duedate, datetime.datetime) else parse_moment(str(duedate))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        label = "the due date"
    else:
        try:
            moment = parse_moment(rule, zone)
        except ValueError:
            raise ValueError(f"FeedbackPolicy for {assignment}: {rule!r} is not 'never', "
                             "'always', 'due' or an ISO date") from None
        label = "a date"
    from autograder.course_admin.due_dates import describe

    when = describe(moment, zone)
    if now >= moment:
        return Decision(True, rule, f"hidden tests shown (policy: hidden until {label}, "
                                    f"{when}, which has passed)")
    return Decision(False, rule, f"hidden tests not shown (policy: hidden until {label}, {when})")
