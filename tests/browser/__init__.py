"""The student's view in a real browser: helpers of ``tests/test_browser.py``.

``lab`` starts JupyterLab from the course's pinned environment on a loopback
port with a random token and the settings a test server needs; ``chromium``
finds Debian's Chromium and launches it headless through Playwright;
``student`` drives a notebook the way a student does and reads back what the
page shows.
"""
