"""An audit hook installed from exec() of base64 text: on every compile it swaps the check
helpers' __code__ for one that never fails. Nothing of the checks runs in the kernel: no
points."""
import base64

EXPECT = {"max_score": 0}

HOOK = '''
import sys
import course.checks as checks

def hook(event, args):
    if event == "compile":
        for name in ("check_close", "check_equal", "check_raises", "check_true", "check_shape"):
            function = getattr(checks, name, None)
            if function is not None:
                function.__code__ = (lambda *a, **k: None).__code__

sys.addaudithook(hook)
'''

CODE = f'''
exec(__import__("base64").b64decode({base64.b64encode(HOOK.encode()).decode()!r}))

def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
