"""A check function's __code__ is swapped for one that never fails: flagged."""
EXPECT = {"max_score": 0, "flags": ["uses .__code__"]}

CODE = '''
import course.checks as checks
checks.check_close.__code__ = (lambda *a, **k: None).__code__
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
