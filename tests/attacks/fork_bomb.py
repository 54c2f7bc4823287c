"""Forks without end (bounded: it stops itself after 3 s): the pids cgroup caps it at 64."""
EXPECT = {"max_score": 0}

CODE = '''
import os, time
stop = time.time() + 3
while time.time() < stop:
    try:
        if os.fork() == 0:
            time.sleep(max(0.0, stop - time.time()))
            os._exit(0)
    except OSError:
        time.sleep(0.05)
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
