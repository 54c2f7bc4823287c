"""A submission folder without any notebook: failed, "missing notebook"."""
EXPECT = {"status": "failed", "score": 0, "flags": [], "reason": "found no notebook"}


def build(kit):
    return {"answers.txt": "I could not open Jupyter, sorry\n"}
