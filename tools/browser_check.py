"""A maintainer's check of the lessons as a learner sees them: in JupyterLab, in a real browser.

The unit tests read the notebooks' files; this opens every lesson in JupyterLab in headless
Chromium (driven by Selenium) and fails on what a learner would stumble on there: an error dialog,
a notification over the lesson, a picture that does not load, a dead link between lessons or to
the README (a wrong heading anchor included), a committed error or stderr output. In lesson 00 it
runs the first code cells with Shift+Enter, as a learner does, and fails on anything they print
to stderr (TensorFlow's start-up lines, for instance, which a learner reads as an error); then it
follows the lesson's Contents link and checks that JupyterLab opens the README. In lesson 10 it
runs the cells down to the drawing pad, draws a 1 and a 7 on its canvas with the mouse, and
checks that the pad reads each as the digit drawn.

It starts its own JupyterLab from this environment, rooted at the checkout, on a free port and a
random token, with a scratch home, workspace and settings folder: nothing from an earlier session
is restored, and nothing in the checkout or the user's home changes. Autosave is off, so running
cells never rewrites a committed notebook, and every cell is kept in the page, so that every
image and link can be checked.

    python -m tools.browser_check [--screenshots DIR]

It needs Chromium and its driver on PATH (Debian: apt-get install chromium chromium-driver) and
the selenium package. It saves one screenshot per lesson, one of each step in lesson 00 and one
of each digit drawn in lesson 10, in browser-check/ (git-ignored), prints a line per check and
exits with 1, listing every failure, when anything fails.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jupyterlab
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from mnist_course.canvas import CANVAS_SIZE
from mnist_course.paths import OUTPUT_DIR_VARIABLE
from tools.lesson_pages import (
    EXECUTED_PROMPT,
    ROOT,
    cells_to_run,
    checkout_problem,
    first_line,
    is_external,
    page_problems,
    page_summary,
)

LESSONS = "notebooks/[0-9][0-9]_*.ipynb"
DEFAULT_SCREENSHOTS = ROOT / "browser-check"
#: The lesson whose first cells are run and whose Contents link is followed.
RUN_LESSON = "00_data"
#: The lesson with the drawing pad, and the digits drawn on it, as strokes of canvas pixels.
PAD_LESSON = "10_using_the_model"
DRAWN_DIGITS = {
    1: [[(150, 40), (140, 240)]],
    7: [[(70, 50), (210, 50), (120, 240)], [(110, 150), (190, 150)]],
}

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    # Nothing outside this machine can be reached: without these, Chromium keeps opening
    # connections of its own, which are refused many at a time.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
#: Written into the server's scratch settings folder. Autosave off: running cells must never
#: rewrite a committed notebook. Windowing off: every cell in the page, not only those in view.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
#: Variables that would send Jupyter's, IPython's, Matplotlib's or Keras's own files somewhere
#: else than the scratch home given to the server, its kernels and the browser.
STATE_VARIABLES = (
    "IPYTHONDIR",
    "JUPYTER_CONFIG_DIR",
    "JUPYTER_DATA_DIR",
    "JUPYTER_RUNTIME_DIR",
    "KERAS_HOME",
    "MPLCONFIGDIR",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
)
ERROR_OUTPUTS = (
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
)
SERVER_TIMEOUT = 60
PAGE_TIMEOUT = 90
IMAGE_TIMEOUT = 10
RUN_TIMEOUT = 180

# What a lesson's page shows, read in one call: cells are numbered from 1, as in the messages.
PAGE_FACTS_JS = """
const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
const cellOf = el => cells.indexOf(el.closest('.jp-Cell')) + 1;
const visible = el => el.getClientRects().length > 0;
const text = el => el.innerText.trim();
const links = '.jp-MarkdownCell .jp-RenderedMarkdown a[href]:not(.jp-InternalAnchorLink)';
return {
  dialogs: [...document.querySelectorAll('.jp-Dialog')].filter(visible).map(text),
  toasts: [...document.querySelectorAll('.jp-toastContainer .Toastify__toast')]
    .filter(visible).map(text),
  images: [...document.querySelectorAll('.jp-Notebook img')].map(img => ({
    src: img.src, loaded: img.complete && img.naturalWidth > 0, cell: cellOf(img)})),
  links: [...document.querySelectorAll(links)].map(a => ({
    href: a.getAttribute('href'), text: text(a) || a.querySelector('img')?.alt || '',
    cell: cellOf(a)})),
  errors: [...document.querySelectorAll(arguments[0])].map(o => ({
    cell: cellOf(o), text: text(o)})),
};
"""
RENDERED_JS = """
const [cellCount, markdownCount] = arguments;
const rendered = [...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell.jp-mod-rendered')];
return document.querySelectorAll('.jp-Notebook .jp-Cell').length === cellCount
  && rendered.length === markdownCount
  && rendered.every(cell => cell.querySelector('.jp-RenderedMarkdown')?.childNodes.length > 0);
"""
KERNEL_IDLE_JS = """
return document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle';
"""
PROMPTS_JS = """
const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
return arguments[0].map(i => cells[i].querySelector('.jp-InputPrompt')?.innerText.trim() ?? '');
"""
ACTIVE_TAB_JS = """
const tab = document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current');
return tab ? tab.innerText.trim() : '';
"""


class CheckError(Exception):
    """The check itself could not run (no browser, a server that does not start)."""


@dataclass
class Result:
    """One check of one lesson: what was checked and what is wrong, for the report."""

    lesson: str
    checked: str
    problems: list[str]

    def line(self) -> str:
        """The report's line for this check."""
        return f"{'FAIL' if self.problems else 'ok':4}  {self.lesson:20} {self.checked}"


# The server, the browser, and the checks that need them.


@dataclass
class Lab:
    """A running JupyterLab server: its address, token and REST API."""

    url: str
    token: str

    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API; the parsed JSON answer, or None when it has no body."""
        request = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_state(self, path: str) -> str | None:
        """The execution state of the kernel of the notebook at ``path``, None without one."""
        for session in self.api("GET", "sessions"):
            if session["path"] == path and session.get("kernel"):
                return session["kernel"]["execution_state"]
        return None

    def shut_down_kernels(self) -> None:
        """End every session and its kernel, so that a lesson starts in a fresh kernel and the
        kernels of lessons already checked do not hold memory and processor."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")


def scratch_environment(scratch: Path) -> dict[str, str]:
    """The environment of the server, its kernels and the browser: this environment's programs
    first on PATH, as `make lab` has them; a scratch home, where Jupyter's, IPython's, Keras's
    and Chromium's own files go instead of the user's home; and a scratch folder for the
    figures and results a lesson writes, instead of the checkout."""
    environment = {k: v for k, v in os.environ.items() if k not in STATE_VARIABLES}
    home = scratch / "home"
    home.mkdir()
    bin_dir = str(Path(sys.executable).parent)
    environment.update(
        HOME=str(home),
        PATH=os.pathsep.join([bin_dir, environment.get("PATH", "")]),
        **{OUTPUT_DIR_VARIABLE: str(scratch / "outputs")},
    )
    return environment


def write_lab_settings(folder: Path) -> Path:
    """Write ``LAB_SETTINGS`` as a JupyterLab user-settings folder, and return the folder."""
    for plugin, settings in LAB_SETTINGS.items():
        file = folder / f"{plugin}.jupyterlab-settings"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(settings), encoding="utf-8")
    return folder


def free_port() -> int:
    """A port nobody listens on now, for the server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def lab_server(scratch: Path, environment: dict[str, str]) -> Iterator[Lab]:
    """Run JupyterLab from this environment, rooted at the checkout (so that links from the
    lessons to the README resolve, as on GitHub), with scratch workspaces, settings and
    checkpoints; stop it and its kernels when done, also on failure."""
    port, token = free_port(), secrets.token_hex(24)
    command = [
        *(sys.executable, "-m", "jupyter", "lab", "--no-browser"),
        *("--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0"),
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
        f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
        f"--LabApp.user_settings_dir={write_lab_settings(scratch / 'settings')}",
        # Opening a file makes a checkpoint (a copy) of it: in scratch, not beside the lessons.
        f"--FileCheckpoints.checkpoint_dir={scratch / 'checkpoints'}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses root (containers) unless told
    log = scratch / "jupyterlab.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    lab = Lab(f"http://127.0.0.1:{port}", token)
    try:
        _wait_for_server(lab, server, log)
        yield lab
    finally:
        server.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for_server(lab: Lab, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise CheckError(f"JupyterLab stopped on start ({server.returncode}):\n{tail}")
        try:
            lab.api("GET", "status")
            return
        except OSError:
            time.sleep(0.2)
    raise CheckError(f"JupyterLab did not answer within {SERVER_TIMEOUT} s")


@contextmanager
def chromium(scratch: Path, environment: dict[str, str]) -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile, driven by the system's chromedriver (nothing can
    be downloaded); closed when done, also on failure."""
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (browser and driver):
        raise CheckError(
            "Chromium and chromedriver must be on PATH (Debian: apt-get install chromium"
            " chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={scratch / 'chromium'}"):
        options.add_argument(flag)
    # Leaving a notebook with cells run asks whether to leave the page: yes.
    options.unhandled_prompt_behavior = "accept"
    log = str(scratch / "chromedriver.log")
    service = Service(driver, env=environment, log_output=log)
    session = webdriver.Chrome(options=options, service=service)
    try:
        yield session
    finally:
        session.quit()


def page_facts(driver: WebDriver) -> dict[str, Any]:
    """What the lesson's page shows: dialogs, notifications, images, links, error outputs."""
    return driver.execute_script(PAGE_FACTS_JS, ERROR_OUTPUTS)


def open_lesson(driver: WebDriver, lab: Lab, path: str, notebook: dict[str, Any]) -> None:
    """Open a lesson in a fresh workspace and a fresh kernel, and wait until every cell is
    rendered and the kernel is idle, as a learner does before reading or running anything."""
    driver.get("about:blank")
    lab.shut_down_kernels()
    workspace = f"check-{secrets.token_hex(4)}"
    driver.get(f"{lab.url}/lab/workspaces/{workspace}/tree/{quote(path)}?reset&token={lab.token}")
    cells = notebook["cells"]
    markdown = sum(cell["cell_type"] == "markdown" for cell in cells)
    _wait_until(
        driver,
        PAGE_TIMEOUT,
        "the notebook to render",
        lambda d: d.execute_script(RENDERED_JS, len(cells), markdown),
    )
    _wait_until(
        driver,
        PAGE_TIMEOUT,
        "the kernel to start",
        lambda d: lab.kernel_state(path) == "idle" and d.execute_script(KERNEL_IDLE_JS),
    )


def check_page(driver: WebDriver, lab: Lab, lesson: Path, screenshots: Path) -> Result:
    """Open a lesson and check what its page shows; screenshot it."""
    path = lesson.relative_to(ROOT).as_posix()
    notebook = json.loads(lesson.read_text(encoding="utf-8"))
    open_lesson(driver, lab, path, notebook)
    try:  # data images decode in a moment; a broken one is reported from the facts below
        _wait_until(
            driver,
            IMAGE_TIMEOUT,
            "images",
            lambda d: all(
                image["loaded"] or is_external(image["src"], lab.url)
                for image in page_facts(d)["images"]
            ),
        )
    except TimeoutException:
        pass
    facts = page_facts(driver)
    driver.save_screenshot(str(screenshots / f"{lesson.stem}.png"))
    problems = page_problems(facts, notebook, path, lab.url)
    return Result(lesson.stem, page_summary(facts, notebook, path, lab.url), problems)


def run_cells(driver: WebDriver, lab: Lab, lesson: Path, cells: range) -> tuple[float, list[str]]:
    """Run ``cells`` of the open lesson with Shift+Enter, as a learner does, and wait until they
    are done; the seconds it took, and a problem for each error or stderr output they show."""
    path = lesson.relative_to(ROOT).as_posix()
    notebook = json.loads(lesson.read_text(encoding="utf-8"))
    code = [i for i in cells if notebook["cells"][i]["cell_type"] == "code"]
    page_cells = driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")
    page_cells[cells.start].find_element(By.CSS_SELECTOR, ".jp-InputArea-editor").click()
    keys = ActionChains(driver)
    for _ in cells:
        keys.key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT)
    started = time.monotonic()
    keys.perform()
    # The last cell waits behind the import of TensorFlow, so it shows [*] for seconds.
    _wait_until(
        driver,
        10,
        "the cells to start running",
        lambda d: d.execute_script(PROMPTS_JS, code[-1:]) == ["[*]:"],
    )
    _wait_until(
        driver,
        RUN_TIMEOUT,
        "the cells to finish",
        lambda d: (
            all(EXECUTED_PROMPT.match(p) for p in d.execute_script(PROMPTS_JS, code))
            and lab.kernel_state(path) == "idle"
            and d.execute_script(KERNEL_IDLE_JS)
        ),
    )
    outputs = [e for e in page_facts(driver)["errors"] if e["cell"] - 1 in cells]
    problems = [
        f"running cell {error['cell']} in JupyterLab showed this error or stderr output,"
        " which a learner reads as an error. Keep the kernel from copying the process's stderr"
        " into cells (capture_fd_output = False in the environment's IPython kernel config), or"
        f" silence it at its source:\n{textwrap.indent(error['text'], '      | ')}"
        for error in outputs
    ]
    return time.monotonic() - started, problems


def run_first_cells(driver: WebDriver, lab: Lab, lesson: Path, screenshots: Path) -> Result:
    """Run lesson 00's first code cells in the open page, and fail on any error or stderr output
    they show."""
    cells = cells_to_run(json.loads(lesson.read_text(encoding="utf-8")))
    seconds, problems = run_cells(driver, lab, lesson, cells)
    driver.save_screenshot(str(screenshots / f"{lesson.stem}_after_running.png"))
    checked = f"ran cells {cells.start + 1}-{cells.stop} with Shift+Enter ({seconds:.0f} s)"
    return Result(lesson.stem, f"{checked}, checked their outputs for errors and stderr", problems)


def draw_digits(driver: WebDriver, lab: Lab, lesson: Path, screenshots: Path) -> Result:
    """Run lesson 10 down to its drawing pad, draw each of DRAWN_DIGITS on the canvas with the
    mouse, as a learner does, and check that the pad reads each as the digit drawn; screenshot
    each reading."""
    notebook = json.loads(lesson.read_text(encoding="utf-8"))
    pad = next(
        i for i, cell in enumerate(notebook["cells"]) if "DigitPad(" in "".join(cell["source"])
    )
    first_code = next(i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code")
    seconds, problems = run_cells(driver, lab, lesson, range(first_code, pad + 1))
    cell = driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")[pad]
    canvas = _wait_until(
        driver, 20, "the pad's canvas", lambda d: cell.find_elements(By.TAG_NAME, "canvas")
    )[-1]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    verdict = cell.find_element(By.CSS_SELECTOR, ".digit-pad-verdict")
    clear = cell.find_element(By.XPATH, ".//button[normalize-space() = 'Clear']")
    readings = []
    for digit, strokes in DRAWN_DIGITS.items():
        clear.click()
        _wait_until(driver, 10, "the pad to clear", lambda d: "Read as" not in verdict.text)
        for stroke in strokes:
            _draw_stroke(driver, canvas, stroke)
        _wait_until(driver, 20, f"the pad to read the {digit}", lambda d: "Read as" in verdict.text)
        reading = verdict.text
        readings.append(f"drew {digit}, {reading.lower()}")
        driver.save_screenshot(str(screenshots / f"{lesson.stem}_drew_{digit}.png"))
        if not reading.startswith(f"Read as {digit},"):
            problems.append(f"the pad read the {digit} drawn on its canvas wrongly: {reading!r}")
    checked = f"ran cells {first_code + 1}-{pad + 1} ({seconds:.0f} s), {'; '.join(readings)}"
    return Result(lesson.stem, checked, problems)


def _draw_stroke(driver: WebDriver, canvas: Any, stroke: list[tuple[float, float]]) -> None:
    """Press the mouse at the stroke's first point, move through the others in small steps
    (a hand sends many moves), release at the last; points are canvas pixels from its corner."""
    size = canvas.size
    scale_x = size["width"] / CANVAS_SIZE
    scale_y = size["height"] / CANVAS_SIZE

    def offset(point: tuple[float, float]) -> tuple[int, int]:  # Selenium measures from the middle
        return (
            round(point[0] * scale_x - size["width"] / 2),
            round(point[1] * scale_y - size["height"] / 2),
        )

    actions = ActionChains(driver, duration=20)
    actions.move_to_element_with_offset(canvas, *offset(stroke[0])).click_and_hold()
    for start, end in zip(stroke, stroke[1:]):
        steps = max(1, round(max(abs(end[0] - start[0]), abs(end[1] - start[1])) / 10))
        for step in range(1, steps + 1):
            point = (
                start[0] + (end[0] - start[0]) * step / steps,
                start[1] + (end[1] - start[1]) * step / steps,
            )
            actions.move_to_element_with_offset(canvas, *offset(point))
    actions.release().perform()


def follow_contents_link(driver: WebDriver, lesson: str, screenshots: Path) -> Result:
    """Click the lesson's Contents link, and check that JupyterLab opens the README in a tab of
    its own, without an error dialog (it does only when the server is rooted at the checkout)."""
    link = driver.find_element(
        By.XPATH, "//*[contains(@class, 'jp-RenderedMarkdown')]//a[normalize-space() = 'Contents']"
    )
    link.click()
    try:
        _wait_until(
            driver,
            20,
            "README.md to open",
            lambda d: page_facts(d)["dialogs"] or d.execute_script(ACTIVE_TAB_JS) == "README.md",
        )
    except TimeoutException:
        pass
    driver.save_screenshot(str(screenshots / "contents_link_opens_readme.png"))
    dialogs, tab = page_facts(driver)["dialogs"], driver.execute_script(ACTIVE_TAB_JS)
    problems = [f"clicking Contents opened an error dialog: {first_line(d)}" for d in dialogs]
    if tab != "README.md":
        problems.append(f"clicking Contents did not open README.md (the active tab is '{tab}')")
    return Result(lesson, "the Contents link opens README.md in JupyterLab", problems)


def check_lesson(driver: WebDriver, lab: Lab, lesson: Path, screenshots: Path) -> list[Result]:
    """Every check of one lesson; a step that fails or times out is reported, and the check
    goes on with the next lesson."""
    steps: list[Callable[[], Result]] = [lambda: check_page(driver, lab, lesson, screenshots)]
    if lesson.stem == RUN_LESSON:
        steps.append(lambda: run_first_cells(driver, lab, lesson, screenshots))
        steps.append(lambda: follow_contents_link(driver, lesson.stem, screenshots))
    if lesson.stem == PAD_LESSON:
        steps.append(lambda: draw_digits(driver, lab, lesson, screenshots))
    results = []
    for step in steps:
        try:
            results.append(step())
        except (WebDriverException, ValueError, OSError) as error:
            message = getattr(error, "msg", None) or str(error)
            results.append(Result(lesson.stem, "could not be checked", [message.strip()]))
        print(results[-1].line(), flush=True)
    return results


def check_all(screenshots: Path) -> list[Result]:
    """Check every lesson in one server and one browser, in scratch folders removed after."""
    lessons = sorted(ROOT.glob(LESSONS))
    if not any(lesson.stem == RUN_LESSON for lesson in lessons):
        raise CheckError(f"no lesson notebooks/{RUN_LESSON}.ipynb to run cells in")
    screenshots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="browser-check-", ignore_cleanup_errors=True) as name:
        scratch = Path(name)
        environment = scratch_environment(scratch)
        with lab_server(scratch, environment) as lab, chromium(scratch, environment) as driver:
            print(
                f"JupyterLab {jupyterlab.__version__}, Chromium "
                f"{driver.capabilities.get('browserVersion', '?')}, {len(lessons)} lessons, "
                f"screenshots in {_shown(screenshots)}",
                flush=True,
            )
            return [r for lesson in lessons for r in check_lesson(driver, lab, lesson, screenshots)]


def git_status() -> str:
    """The state of the lessons and README, ignored files included (checkpoints), to show that
    the check changed neither."""
    command = ["git", "status", "--porcelain", "--ignored", "--", "notebooks", "README.md"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def report(results: list[Result], seconds: float) -> int:
    """Print every problem and a final line; the exit status: 1 if anything failed."""
    failed = [result for result in results if result.problems]
    for result in failed:
        for problem in result.problems:
            print(f"  {result.lesson}: {problem}")
    if failed:
        count = sum(len(result.problems) for result in failed)
        print(f"FAILED: {count} problems in {len(failed)} checks ({seconds:.0f} s)")
        return 1
    print(f"All {len(results)} checks passed ({seconds:.0f} s).")
    return 0


def _wait_until(
    driver: WebDriver, seconds: float, what: str, condition: Callable[[WebDriver], Any]
) -> Any:
    message = f"timed out after {seconds} s waiting for {what}"
    return WebDriverWait(driver, seconds, poll_frequency=0.2).until(condition, message)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    """Run the check; the exit status is 1 when a lesson fails or the check cannot run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=DEFAULT_SCREENSHOTS,
        help="folder for the screenshots (default: browser-check/ in the checkout)",
    )
    screenshots = parser.parse_args(argv).screenshots.resolve()
    started, before = time.monotonic(), git_status()
    try:
        results = check_all(screenshots)
    except (CheckError, WebDriverException) as error:
        print(f"The browser check could not run: {error}", file=sys.stderr)
        return 1
    problem = checkout_problem(before, git_status())
    if problem:
        results.append(Result("checkout", "notebooks/ and README.md unchanged", [problem]))
    return report(results, time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
