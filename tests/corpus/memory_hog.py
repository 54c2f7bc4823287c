"""matmul allocates until memory runs out: MemoryError under the kernel's memory limit, matmul
scores zero, everything else full marks, and the machine is never short of memory."""
EXPECT = {"status": "graded", "score": 13, "flags": [], "reason": "",
          "zero": ["test_matmul_values", "test_matmul_edges", "test_matmul_errors",
                   "test_matmul_rules"]}

MATMUL = '''def matmul(A, B):
    blocks = []
    while True:
        blocks.append(np.ones(1 << 24))  # 128 MB more each time
'''


def build(kit):
    return {"01_arrays.ipynb": kit.text(kit.notebook(matmul=MATMUL))}
