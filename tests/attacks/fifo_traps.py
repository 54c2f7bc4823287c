"""Replaces every file it can reach in its own jail folder (the kernel's connection file, its
sockets) with FIFOs, and leaves FIFOs named like notebooks and events in every writable
folder: a grader that opened one of them would block. The worker reads nothing the kernel can
write, and opens what it must read without following links or FIFOs: the batch goes on."""
EXPECT = {"max_score": 0}

CODE = '''
import glob, os
targets = []
for folder in ["/tmp", os.path.expanduser("~"), os.getcwd()] + glob.glob("/dev/shm/*") \\
        + glob.glob("/dev/shm/*/*"):
    for name in ("events.jsonl", "locked.json", "01_arrays.ipynb", "connection.json",
                 "timestamp.txt"):
        targets.append(os.path.join(folder, name))
for path in targets:
    try:
        if os.path.exists(path):
            os.unlink(path)
        os.mkfifo(path)
    except OSError:
        pass

def dot(x, y):
    return 0.0
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
