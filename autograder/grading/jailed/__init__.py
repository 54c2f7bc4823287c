"""The files that run inside a jail: they import nothing of ``autograder``.

:mod:`.zygote` is a worker's warm template, :mod:`.kernel` the kernel every submission
runs in (with :mod:`.agent`, which answers the judge), :mod:`.judge` the process that runs
a notebook's test cells, and :mod:`.wire` how the two talk. The sandbox binds this folder
read-only into every jail at ``/opt/nn-grader/``.
"""
