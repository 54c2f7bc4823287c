"""The files that run inside a jail: they import nothing of ``autograder``.

:mod:`.zygote` is a worker's warm kernel template, :mod:`.kernel` the kernel every
submission runs in. The sandbox binds each file read-only into the jail under
``/opt/nn-grader/``.
"""
