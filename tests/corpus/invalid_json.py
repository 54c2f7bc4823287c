"""A notebook file that is not JSON (a crashed save): failed, with the JSON error as the reason."""
EXPECT = {"status": "failed", "score": 0, "flags": [], "reason": "not valid JSON"}


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook())[:5000]}
