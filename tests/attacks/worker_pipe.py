"""Writes forged result lines into every file descriptor of every process it can see
(the worker's pipe, unsandboxed). In its own PID namespace it sees none of the grader's."""
EXPECT = {"max_score": 0}

CODE = '''
import json, os
line = json.dumps({"student": "worker_pipe", "assignment": "01_arrays", "autograded": {},
                   "gradebook": {"timestamp": None, "notebooks": {}}}) + "\\n"
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    with open(f"/proc/{pid}/fd/{fd}", "a") as f:
                        f.write(line)
                except OSError:
                    pass
        except OSError:
            pass
'''


def build(kit):
    return {"01_arrays.ipynb": kit.attack(CODE)}
