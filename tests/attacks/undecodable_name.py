"""An honest notebook beside a file whose name is not UTF-8 (made on another system): the
file is ignored, the notebook graded, and the course's report still builds."""
import os

EXPECT = {"status": "graded", "min_score": 20}


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.honest_nb()),
            os.fsdecode(b"notes-\xff\xfe.txt"): "scratch"}
