"""停止 during ONE long C call on the course server (cross-origin isolated): the interrupt never reaches it.

A numpy call that never returns to the bytecode loop cannot see the interrupt buffer. The runtime loads a spare
worker once a run has lasted a few seconds; 停止 then swaps it in (the busy worker is terminated). The widget is
usable at once (code kept, status in Chinese), the spare has the student's 学号 and tables, and it never inherits
the old worker's interrupt. Without a spare yet, the status shows the new worker's start-up honestly. A spare
is not kept loading once a long run ends normally. Same built fixture site and helpers as test_browser_widget.
"""

from __future__ import annotations

import pytest
from test_browser_widget import (  # noqa: F401  (browser, isolated_url, site: fixtures used by name)
    STATUS,
    browser,
    get_code,
    isolated_url,
    new_page,
    set_code,
    site,
    wait_done,
    wait_idle,
    wait_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# ~10^12 multiply-adds in one numpy call (16 MB of memory): it cannot end by itself within any wait here.
C_CALL = "import numpy as np\nprint('开始')\nnp.convolve(np.ones(10**6), np.ones(10**6))\n"
LOOP = "while True:\n    pass\n"
# The student's own variant of the data: the same output before and after a swap means the same 学号 and tables.
DATA = "import pandas as pd\norders = pd.read_csv('data/orders.csv', dtype=str)\nprint('订单', len(orders), orders.iloc[-1].tolist())\n"
RT = "window.courseware.runtime"


def output(page) -> str:
    return page.inner_text("[data-role=output]")


def run(page, code: str) -> str:
    set_code(page, code)
    page.click("[data-action=run]")
    assert wait_done(page) == "ready"
    return output(page)


def start(page, code: str) -> None:
    set_code(page, code)
    page.click("[data-action=run]")
    page.wait_for_function(f"document.querySelector('{STATUS}').dataset.state === 'running'")
    page.wait_for_function(f"{RT}.running")  # the worker has started the code (not just queued it)


def usable_after_stop(page, code: str, expected_state: str) -> None:
    """After 停止 the run is over at once: the status is in Chinese, the code is kept, the editor is editable."""
    page.click("[data-action=stop]")
    page.wait_for_function(f"document.querySelector('{STATUS}').dataset.state !== 'running'")
    assert page.get_attribute(STATUS, "data-state") == expected_state
    assert "已停止" in page.inner_text(STATUS)
    assert "你的代码都还在" in page.inner_text(STATUS)
    assert get_code(page) == code
    assert page.get_attribute(".exercise .cm-content", "contenteditable") == "true"
    assert "停止" in output(page)


def test_stop_during_a_long_c_call_swaps_in_the_spare(browser, isolated_url):  # noqa: F811
    context, page, recorder = new_page(browser)
    page.goto(isolated_url)
    wait_ready(page)
    assert page.evaluate("crossOriginIsolated") is True
    page.evaluate("window.courseware.setStudent('2024007')")
    assert wait_done(page) == "ready"
    wait_idle(page)
    before = run(page, DATA)
    assert "订单" in before
    assert page.evaluate(f"{RT}.spare") is None  # short runs never start a second Python

    # 1. A run that lasts gets a spare loaded in the background (longRunMs shortened from seconds to 0 here).
    #    A Python loop honours the interrupt: same worker, and the ready spare stays (idle) for a while.
    #    (The grace before a swap is lengthened here: on a busy machine the loop may need more than 600 ms.)
    grace = page.evaluate(f"{RT}.interruptGraceMs")
    page.evaluate(f"{RT}.longRunMs = 0; {RT}.spareKeepMs = 1e9; {RT}.interruptGraceMs = 30000")
    start(page, LOOP)
    page.wait_for_function(f"{RT}.spare !== null && {RT}.spare.isReady", timeout=240_000)
    usable_after_stop(page, LOOP, "ready")
    assert page.evaluate(f"{RT}.workersCreated") == 2
    assert page.evaluate(f"{RT}.spare !== null && {RT}.spareDropTimer !== null")  # kept, but not for ever

    # 2. One long C call never sees the interrupt: 停止 terminates that worker and the ready spare takes over.
    page.evaluate(f"{RT}.longRunMs = 4000; {RT}.interruptGraceMs = {grace}")
    start(page, C_CALL)
    assert page.evaluate(f"{RT}.spareDropTimer") is None  # the kept spare now serves this run
    usable_after_stop(page, C_CALL, "ready")
    assert page.evaluate(f"{RT}.workersCreated") == 2
    assert page.evaluate(f"{RT}.spare") is None
    assert page.evaluate(f"{RT}.current.interruptBuffer[0]") == 0  # the old interrupt stayed with the old worker
    assert page.is_enabled("[data-action=run]")
    after = run(page, "print(1)")
    assert "1" in after.split()
    assert "KeyboardInterrupt" not in after and "停止" not in after
    assert run(page, DATA) == before  # the spare has the student's 学号 and tables

    # 3. A long run that ends normally: a spare still loading is dropped (no second Pyodide left competing).
    page.evaluate(f"{RT}.longRunMs = 0")
    start(page, "import time\ntime.sleep(1)\nprint('睡醒了')\n")  # far shorter than a Pyodide start
    assert wait_done(page) == "ready"
    assert "睡醒了" in output(page)
    assert page.evaluate(f"{RT}.workersCreated") == 3  # a spare was started …
    assert page.evaluate(f"{RT}.spare") is None  # … and dropped when the run ended

    # 4. 停止 before any spare exists: a fresh worker starts, its progress is shown, the code is kept meanwhile.
    page.evaluate(f"{RT}.longRunMs = 1e9")
    start(page, C_CALL)
    usable_after_stop(page, C_CALL, "loading")
    assert "正在重新启动运行环境" in page.inner_text(STATUS)
    assert page.is_disabled("[data-action=run]")  # honest: no Python to run on until it is ready
    assert wait_done(page) == "ready"
    assert "已停止" in page.inner_text(STATUS)
    assert get_code(page) == C_CALL
    assert page.evaluate(f"{RT}.workersCreated") == 4
    assert "1" in run(page, "print(1)").split()
    assert run(page, DATA) == before
    recorder.assert_only(isolated_url)
    context.close()
