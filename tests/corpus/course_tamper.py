"""A wrong dot that replaces the checks in its kernel: course.checks' failure function and the
notebook's own check_close and check_raises. The tests run in the judge with the course's own
checks: dot scores zero, the rest is graded as usual."""
EXPECT = {"status": "graded", "score": 14, "flags": [],
          "reason": "", "zero": ["test_dot_values", "test_dot_errors", "test_dot_rules"]}

DOT = '''import course.checks as checks
checks._fail = lambda message: None
check_close = lambda *args, **kwargs: None
check_raises = lambda *args, **kwargs: None


def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook(dot=DOT))}
