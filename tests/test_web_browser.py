"""The pages in a real browser: Debian's headless Chromium driven by Playwright, against uvicorn on 127.0.0.1.

Screenshots of every page visited are saved in each test's ``tmp_path``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from suanli.stages.segment import Segmenter
from suanli.web import create_app
from suanli.workspace import open_workspace
from webcorpus import XSS_PARAGRAPH, XSS_TITLE, build_corpus, demo_knowledge, demo_summaries, web_settings
from webserver import CHROMIUM, chromium, serving

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing; install Debian's chromium and fonts-noto-cjk"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Iterator[str]:
    """The real app under uvicorn on a free port of 127.0.0.1, in a thread; yields its base URL."""
    folder = tmp_path_factory.mktemp("web_browser")
    settings = web_settings(folder)
    with open_workspace(settings, segmenter=segmenter) as ws:
        build_corpus(folder / "inputs", ws)
        app = create_app(settings, workspace=ws, summaries=demo_summaries, knowledge=demo_knowledge(ws))
    with serving(app, name="uvicorn-test") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@dataclass
class Watch:
    """What a page did besides rendering: dialogs, requests, console errors."""

    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    watch = Watch()

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.on("request", lambda request: watch.requests.append(request.url))
    tab.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    try:
        yield tab, watch
    finally:
        context.close()


def _only_local(watch: Watch, server: str) -> None:
    outside = [u for u in watch.requests if not u.startswith(server) and not u.startswith("data:")]
    assert outside == [], outside
    assert watch.console_errors == [], watch.console_errors  # CSP violations show up here


def test_search_open_a_result_and_follow_a_citation_to_a_highlighted_paragraph(
    server: str, page: tuple[Any, Watch], tmp_path: Path
) -> None:
    tab, watch = page
    tab.goto(server + "/")
    tab.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    tab.fill('input[name="q"]', "寒武纪 市值")
    tab.press('input[name="q"]', "Enter")
    tab.wait_for_selector(".card")
    tab.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    tab.click(".card-title a >> nth=0")
    tab.wait_for_selector(".doc-title")
    assert tab.inner_text(".doc-title") == "国产GPU板块大涨，寒武纪市值突破五千亿元"
    tab.click(".quick a.cite")
    tab.wait_for_function("() => location.hash === '#p2'")
    target = tab.evaluate(
        """() => {
            const el = document.querySelector(':target');
            return el && {id: el.id, highlighted: el.classList.contains('is-highlighted'),
                          background: getComputedStyle(el).backgroundColor};
        }"""
    )
    assert target["id"] == "p2" and target["highlighted"] is True
    assert target["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert tab.evaluate("() => document.querySelectorAll('.para.is-highlighted').length") == 1
    tab.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    _only_local(watch, server)


def test_entity_page_draws_the_chart_of_a_fact_over_time(
    server: str, page: tuple[Any, Watch], tmp_path: Path
) -> None:
    tab, watch = page
    tab.goto(server + "/entities/cambricon")
    tab.wait_for_selector('canvas.chart[data-ready="1"]', timeout=10_000)
    painted = tab.evaluate(
        """() => {
            const c = document.querySelector('canvas.chart');
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
            return n;
        }"""
    )
    assert painted > 500
    tab.screenshot(path=str(tmp_path / "entity.png"), full_page=True)
    _only_local(watch, server)


def test_script_and_onerror_payloads_render_as_text_and_run_nothing(
    server: str, page: tuple[Any, Watch], tmp_path: Path
) -> None:
    tab, watch = page
    tab.goto(server + "/?q=寒武纪标题测试")
    tab.wait_for_selector(".card")
    assert tab.inner_text(".card-title") == XSS_TITLE
    tab.screenshot(path=str(tmp_path / "xss-search.png"), full_page=True)
    tab.click(".card-title a")
    tab.wait_for_selector(".doc-title")
    assert tab.inner_text(".doc-title") == XSS_TITLE
    assert XSS_PARAGRAPH in tab.inner_text("#p1")
    assert "<script>window.xssFired=4</script>" in tab.inner_text("#p2")
    assert tab.evaluate("() => window.xssFired") is None
    assert tab.evaluate("() => document.querySelectorAll('img').length") == 0
    assert tab.evaluate("() => document.querySelectorAll('script:not([src]):not([type])').length") == 0
    tab.screenshot(path=str(tmp_path / "xss-article.png"), full_page=True)
    assert watch.dialogs == []
    _only_local(watch, server)


def test_english_switch_and_add_page_work_in_the_browser(
    server: str, page: tuple[Any, Watch], tmp_path: Path
) -> None:
    tab, watch = page
    tab.goto(server + "/add")
    tab.click(".lang-switch")
    tab.wait_for_selector("html[lang=en]")
    assert "Add articles" in tab.inner_text("h1")
    tab.fill('textarea[name="urls"]', "http://127.0.0.1:9/nothing.html")
    tab.click('form.add button[type="submit"]')
    tab.wait_for_selector('#job[data-state="done"]', timeout=20_000)
    assert "failed" in tab.inner_text(".job-items")
    tab.screenshot(path=str(tmp_path / "add.png"), full_page=True)
    _only_local(watch, server)
