"""A check function's __code__ is swapped for one that never fails. The checks run in the
judge, not in this kernel: nothing to gain."""
EXPECT = {"max_score": 0}

CODE = '''
import course.checks as checks
checks.check_close.__code__ = (lambda *a, **k: None).__code__
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
