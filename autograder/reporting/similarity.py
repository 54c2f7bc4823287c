"""``similarity``: pairs of submissions whose solutions share unusual code.

For each assignment and each exercise, every submission's solution cell (the cell whose
nbgrader ``grade_id`` is the exercise's name) becomes a normalised token stream
(:mod:`.similarity_tokens`: what the stub gives removed; names, comments, layout,
messages and the order of independent statements no longer count). Each stream is cut
into k-grams of :data:`K` tokens, hashed, and winnowed (one fingerprint per window of
:data:`WINDOW` hashes, the smallest, as Schleimer, Wilkerson and Aiken's winnowing does:
any run of ``K + WINDOW - 1`` tokens two streams share leaves a fingerprint in both).

Honest students share a lot: the book's code, its common mistakes, and whatever much of
the class writes. So a k-gram is *known*, and weighs nothing, when the instructor's
solution or an entry of the mutation catalogue (its correct alternatives and the
mistakes it lists) has it, or when more than :data:`COMMON_SHARE` of the submissions
(and more than :data:`COMMON_LEAST`) do;
otherwise it weighs ``2 / n``, ``n`` being the number of submissions that have it (1
when only two do). Pairs with a winnowed fingerprint in common that is not known are
compared k-gram by k-gram: their *shared* weight is that of the k-grams both have; their
*cover* is that over the smaller of their own weights (the rarer solution's unusual
code), so that a helper added to a copy does not dilute it. An exercise scores
``cover × min(1, shared × cover / FULL)``: a pair that shares all of the rarer one's
unusual code, :data:`FULL` k-grams' worth or more, scores 1; sharing part of it scores
much less. A pair's score is the sum over the assignment's exercises -- how many
exercises' worth of unusual code the two share -- so that one exercise two students
happened to write alike counts for at most one.
Pairs scoring :data:`THRESHOLD` or more (a quarter of the exercises where that is more,
four fifths of them where that is less) are the ones the page lists to look at.

A submission of an earlier term (``--earlier DIR``) counts like the class's own in how
common code is, and is paired with this term's submissions only.

Reading a course and the command: :mod:`.similarity_course`; the page:
:mod:`.similarity_page`. Nothing here decides anything: the page says which pairs to look
at and why.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from .similarity_tokens import NOTHING_GIVEN, Given, Tokens, given_by, normalise

#: Tokens per k-gram, and k-gram hashes per winnowing window.
K = 14
WINDOW = 4
#: Code that more than this share of the submissions has, and more than COMMON_LEAST of
#: them, weighs nothing (in a small class, three who share code are not "much of it").
COMMON_SHARE = 0.2
COMMON_LEAST = 5
#: An exercise counts in full once a pair shares this much unusual code (in k-grams,
#: times the share of the rarer solution's unusual code it is).
FULL = 5.0
#: Pairs scoring this much or more (in exercises' worth) are listed to look at, or this
#: share of the assignment's exercises where that is more (small coincidences add up
#: over many exercises).
THRESHOLD = 1.5
THRESHOLD_SHARE = 0.25
#: ... but never more than this share of them: an assignment of one exercise (07_autograd)
#: could never reach 1.5.
THRESHOLD_MOST = 0.8


def threshold_for(exercises: int, threshold: float | None = None) -> float:
    """The score from which an assignment's pairs are listed."""
    if threshold is not None:
        return threshold
    return min(max(THRESHOLD, THRESHOLD_SHARE * exercises), THRESHOLD_MOST * max(1, exercises))

# ------------------------------------------------------------ fingerprints

def kgram_hashes(tokens: tuple, k: int | None = None) -> list:
    """A stable 64-bit hash of every run of ``k`` (default :data:`K`) tokens, by position."""
    k = k or K
    return [int.from_bytes(hashlib.blake2b("\x1f".join(tokens[i:i + k]).encode(),
                                           digest_size=8).digest(), "big")
            for i in range(len(tokens) - k + 1)]


def winnow(hashes: list, window: int | None = None) -> set:
    """Positions of the fingerprints winnowing keeps: in each window (default
    :data:`WINDOW` hashes) the smallest hash (the rightmost of equals), each position once."""
    window = window or WINDOW
    if not hashes:
        return set()
    if len(hashes) <= window:
        low = min(hashes)
        return {max(i for i, h in enumerate(hashes) if h == low)}
    kept = set()
    for start in range(len(hashes) - window + 1):
        part = hashes[start:start + window]
        low = min(part)
        kept.add(start + max(i for i, h in enumerate(part) if h == low))
    return kept


@dataclass
class Doc:
    """One submission's solution of one exercise."""
    who: str            # student id, or an earlier term's "<folder>/<student>"
    earlier: bool
    source: str
    tokens: Tokens
    hashes: list = field(default_factory=list)     # every k-gram, by position
    prints: set = field(default_factory=set)       # the winnowed fingerprints


def make_doc(who: str, source: str, given: Given, earlier: bool = False) -> Doc:
    tokens = normalise(source, given)
    hashes = kgram_hashes(tokens.tokens)
    return Doc(who, earlier, source, tokens, hashes, {hashes[i] for i in winnow(hashes)})


# ------------------------------------------------------------ scoring

@dataclass(frozen=True)
class Match:
    """What a pair shares in one exercise."""
    exercise: str
    score: float         # up to 1: cover * min(1, shared * cover / FULL)
    shared: float        # weight of the unusual k-grams both have
    cover: float         # shared over the smaller of their own unusual weights
    only_them: int       # shared k-grams no other submission has
    own: tuple           # each one's unusual weight


@dataclass
class Pair:
    a: str
    b: str
    earlier: bool        # b is an earlier term's submission
    matches: list        # Match, highest score first

    @property
    def score(self) -> float:
        return sum(m.score for m in self.matches)


@dataclass
class Exercise:
    """The submissions of one exercise and how common each k-gram is among them."""
    name: str
    docs: dict                   # who -> Doc
    reference: set               # k-grams of the instructor's and the catalogue's code
    frequency: Counter           # k-gram -> how many submissions have it
    common: float                # more submissions than this: too common to count
    given_lines: frozenset = frozenset()   # the stub's lines, stripped
    own: dict = field(default_factory=dict)       # who -> weight of their unusual k-grams

    def known(self, h: int) -> bool:
        """The book's or the catalogue's k-gram, or one much of the class has."""
        return h in self.reference or self.frequency.get(h, 0) > self.common

    def weight(self, h: int) -> float:
        n = self.frequency.get(h, 0)
        return 0.0 if self.known(h) or not n else min(1.0, 2.0 / n)


@dataclass
class Result:
    """One assignment's comparison."""
    assignment: str
    exercises: dict              # name -> Exercise
    pairs: list                  # Pair, highest score first, every pair with a score
    students: int                # this term's submissions compared
    earlier: int = 0             # earlier terms' submissions compared
    unreadable: list = field(default_factory=list)
    threshold: float = THRESHOLD

    @property
    def flagged(self) -> list:
        return [p for p in self.pairs if p.score >= self.threshold]


def build_exercise(name: str, docs: dict, references: list,
                   given: Given = NOTHING_GIVEN) -> Exercise:
    reference = set()
    for text in references:
        reference |= set(kgram_hashes(normalise(text, NOTHING_GIVEN).tokens))
    frequency = Counter()
    for doc in docs.values():
        frequency.update(set(doc.hashes))
    counted = sum(1 for d in docs.values() if d.hashes)
    ex = Exercise(name, docs, reference, frequency, max(COMMON_LEAST, COMMON_SHARE * counted),
                  given.lines)
    ex.own = {who: sum(ex.weight(h) for h in set(doc.hashes)) for who, doc in docs.items()}
    return ex


def score_exercise(ex: Exercise) -> dict:
    """(a, b) -> Match for every pair that shares unusual code. Candidates are the pairs
    with a winnowed fingerprint in common that is not known code; each is then compared
    k-gram by k-gram."""
    holders: dict = {}
    for who, doc in ex.docs.items():
        for h in doc.prints:
            if not ex.known(h):
                holders.setdefault(h, []).append(who)
    candidates = set()
    for whos in holders.values():
        for i, a in enumerate(whos):
            for b in whos[i + 1:]:
                key = _key(ex, a, b)
                if key:
                    candidates.add(key)
    out = {}
    for a, b in candidates:
        shared = set(ex.docs[a].hashes) & set(ex.docs[b].hashes)
        weight = sum(ex.weight(h) for h in shared)
        if weight <= 0:
            continue
        own = (ex.own[a], ex.own[b])
        cover = min(1.0, weight / max(min(own), 1e-9))
        only = sum(1 for h in shared if ex.frequency[h] == 2 and not ex.known(h))
        out[(a, b)] = Match(ex.name, cover * min(1.0, weight * cover / FULL), weight, cover,
                            only, own)
    return out


def _key(ex: Exercise, a: str, b: str):
    """The pair in a fixed order (this term's first), or None for two earlier submissions."""
    da, db = ex.docs[a], ex.docs[b]
    if da.earlier and db.earlier:
        return None
    if da.earlier or (not db.earlier and b < a):
        a, b = b, a
    return (a, b)


def compare(assignment: str, solutions: dict, stubs: dict, references: dict,
            earlier: dict | None = None, threshold: float | None = None) -> Result:
    """Compare one assignment's submissions.

    ``solutions``: student -> exercise -> the source of their solution cell;
    ``stubs``: exercise -> the released stub of that cell; ``references``: exercise ->
    sources of correct solutions everyone may share; ``earlier``: like ``solutions``, for
    earlier terms' submissions.
    """
    earlier = earlier or {}
    exercises = list(stubs) or sorted({e for s in solutions.values() for e in s})
    given = {e: given_by(stubs[e]) if e in stubs else NOTHING_GIVEN for e in exercises}
    result = Result(assignment, {}, [], len(solutions), len(earlier),
                    threshold=threshold_for(len(exercises), threshold))
    pairs: dict = {}
    for exercise in exercises:
        docs = {}
        for group, is_earlier in ((solutions, False), (earlier, True)):
            for who, cells in group.items():
                if exercise in cells:
                    docs[who] = make_doc(who, cells[exercise], given[exercise], is_earlier)
        ex = build_exercise(exercise, docs, references.get(exercise, []), given[exercise])
        result.exercises[exercise] = ex
        for (a, b), match in score_exercise(ex).items():
            pairs.setdefault((a, b), Pair(a, b, docs[b].earlier, [])).matches.append(match)
    for pair in pairs.values():
        pair.matches.sort(key=lambda m: -m.score)
    result.pairs = sorted((p for p in pairs.values() if p.score > 0),
                          key=lambda p: (-p.score, p.a, p.b))
    return result


def shared_lines(ex: Exercise, a: str, b: str) -> tuple:
    """Which lines of a's and b's cells the k-grams they share cover: line -> "rare"
    (unusual code) or "common" (the book's, the catalogue's, or much of the class's)."""
    da, db = ex.docs[a], ex.docs[b]
    both = set(da.hashes) & set(db.hashes)
    out = []
    for doc in (da, db):
        marks: dict = {}
        for i, h in enumerate(doc.hashes):
            if h not in both:
                continue
            kind = "rare" if ex.weight(h) > 0 else "common"
            for first, last in doc.tokens.lines[i:i + K]:
                for line in range(first, last + 1):
                    if marks.get(line) != "rare":
                        marks[line] = kind
        out.append(marks)
    return tuple(out)
