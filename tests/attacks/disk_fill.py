"""Writes 200 MB into its home, /tmp and its socket folder: the tmpfs caps and the memory limit
stop it; nothing large reaches autograded/."""
EXPECT = {"max_score": 0, "autograded_below": 5_000_000}

CODE = '''
import os, glob
chunk = b"x" * (1 << 20)
for folder in [os.getcwd(), "/tmp"] + glob.glob("/dev/shm/*"):
    try:
        with open(os.path.join(folder, "big.bin"), "wb") as f:
            for _ in range(200):
                f.write(chunk)
    except OSError:
        pass
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
