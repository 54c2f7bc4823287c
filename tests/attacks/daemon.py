"""A double-forked setsid daemon waits for grading to end, then rewrites every gradebook and
results file it can find. It dies with its sandbox; nothing outside changes."""
EXPECT = {"max_score": 0}

CODE = '''
import os, time, glob
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        deadline = time.time() + 20
        while time.time() < deadline:
            for pattern in ("/**/gradebook.db", "/**/grade-results.json", "/**/nbgrader_config.py"):
                for path in glob.glob(pattern, recursive=True):
                    try:
                        with open(path, "a") as f:
                            f.write("forged")
                    except OSError:
                        pass
            time.sleep(1)
        os._exit(0)
    os._exit(0)
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
