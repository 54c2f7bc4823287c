"""An honest student who pasted an image into a markdown cell (a cell attachment, what
JupyterLab writes): graded in full like any honest submission."""
import base64
import json

EXPECT = {"status": "graded", "min_score": 20}

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201e2c0b1b1"
    "0000000049454e44ae426082")).decode()


def build(kit):
    nb = kit.honest_nb()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source += "\n\n![my sketch](attachment:sketch.png)"
            cell["attachments"] = {"sketch.png": {"image/png": PNG}}
            break
    return {"01_arrays.ipynb": kit.text(nb)}
