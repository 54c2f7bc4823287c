"""Exits the kernel as soon as the tests reach out to it (at the first line that would answer
the judge), hoping that what ran before is kept: the kernel dies, the tests after it score
nothing, the submission says why."""
EXPECT = {"max_score": 0, "reason": "kernel died"}

CODE = '''
import os
def exit_at_tests(info):
    if "serve" in (info.raw_cell or ""):
        os._exit(0)
get_ipython().events.register("pre_run_cell", exit_at_tests)

def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
