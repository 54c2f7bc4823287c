"""Four child processes each hold 400 MB: more than the 1 GB the kernel's whole tree may use.
The cgroup stops them; the batch and the machine are unharmed."""
EXPECT = {"max_score": 0}

CODE = '''
import os, time
for _ in range(4):
    if os.fork() == 0:
        try:
            block = bytearray(400 << 20)
            for i in range(0, len(block), 4096):
                block[i] = 1
            time.sleep(3)
        finally:
            os._exit(0)
for _ in range(4):
    try:
        os.wait()
    except ChildProcessError:
        break
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
