"""The HTML pages in a real headless Chromium, served by uvicorn on 127.0.0.1.

Chromium and chromedriver come from the system (Debian ``chromium`` and ``chromium-driver``). Without
them these tests skip with the reason, unless ``LINEAGE_REQUIRE_BROWSER=1``, where they fail.
``LINEAGE_UPDATE_SCREENSHOTS=1`` also writes the screenshots into ``docs/screenshots/``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from lineage.api.app import create_app
from lineage.store.base import LineageStore
from lineage.viz.links import Links
from tests.api_support import serving
from tests.viz_graphs import HOSTILE_NAME, HOSTILE_UID, fan_out_batch, hostile_batch

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("LINEAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("LINEAGE_CHROMEDRIVER", "/usr/bin/chromedriver"))
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# Without the networking flags Chromium phones home (updates, sync, field trials), and the requests
# check below would see those instead of the page's.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1440,900",
)
LINKS = Links(base="")


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    yield from chromium()


def chromium(*extra_flags: str) -> Iterator[webdriver.Chrome]:
    """A headless Chromium for a fixture to yield from; the test is skipped (or failed) without one."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        reason = f"no headless browser: {', '.join(missing)} not found (apt install chromium chromium-driver)"
        if os.environ.get("LINEAGE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"LINEAGE_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, *extra_flags):
        options.add_argument(flag)
    profile = tempfile.TemporaryDirectory(prefix="lineage-chromium-")
    options.add_argument(f"--user-data-dir={profile.name}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    # One viewport size for every page, whatever the window decorations take, so screenshots match.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1440, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    yield driver
    driver.quit()
    profile.cleanup()


@dataclass(frozen=True)
class Site:
    """The app (``lineage.api.app.create_app``) serving one store from uvicorn on 127.0.0.1."""

    base: str

    def url(self, path: str | None) -> str:
        assert path is not None, "a served page always has links"
        return self.base + path


@pytest.fixture
def serve() -> Iterator[Callable[[LineageStore], Site]]:
    """Starts a server for a store; every server started stops when the test ends."""
    with ExitStack() as servers:
        yield lambda store: Site(servers.enter_context(serving(create_app(store=store))))


@pytest.fixture
def demo_site(serve: Callable[[LineageStore], Site], demo_store: LineageStore) -> Site:
    return serve(demo_store)


def open_page(browser: webdriver.Chrome, url: str, *, wait_for_graph: bool = True) -> None:
    """Load ``url`` with the logs of earlier pages cleared, and wait until the graph has drawn."""
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(url)
    if wait_for_graph:
        wait_until(browser, "return !!(window.lineageGraph && window.lineageGraph.ready)")


def wait_until(browser: webdriver.Chrome, script: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := browser.execute_script(script)):
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        time.sleep(0.05)
    return value


def console_errors(browser: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def requested_urls(browser: webdriver.Chrome) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def outside_requests(browser: webdriver.Chrome, site: Site) -> list[str]:
    """Every request that went anywhere but the app: the pages must work with no network at all."""
    urls = requested_urls(browser)
    assert urls, "the performance log recorded no requests at all: the check would prove nothing"
    return [
        u for u in urls if not u.startswith(site.base + "/") and urlsplit(u).scheme not in ("data", "about")
    ]


def graph_node_count(browser: webdriver.Chrome) -> int:
    count: int = browser.execute_script("return window.lineageGraph.nodes.length")
    return count


def click_node(browser: webdriver.Chrome, uid: str) -> None:
    """Click where the node is drawn, as a person would."""
    x, y = browser.execute_script(
        "const g = window.lineageGraph.network;"
        "const p = g.canvasToDOM(g.getPosition(arguments[0]));"
        "return [p.x, p.y];",
        uid,
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")
    # ActionChains offsets are from the element's centre.
    offset_x = round(x - canvas.size["width"] / 2)
    offset_y = round(y - canvas.size["height"] / 2)
    ActionChains(browser).move_to_element_with_offset(canvas, offset_x, offset_y).click().perform()


def test_demo_graph_loads_without_errors_or_outside_requests(
    browser: webdriver.Chrome, demo_site: Site
) -> None:
    open_page(browser, demo_site.url(LINKS.graph("model:credit_limit_model@2")))
    assert console_errors(browser) == []
    assert outside_requests(browser, demo_site) == []
    # both directions of the deployed credit-limit model: 4 datasets, 1 feature, 2 models, 3 offers
    assert graph_node_count(browser) == 10
    levels = browser.execute_script(
        "return Object.fromEntries(window.lineageGraph.nodes.get().map(n => [n.id, n.level]))"
    )
    assert levels["dataset:customer_data@2026-04"] < levels["model:credit_limit_model@2"]
    assert levels["model:credit_limit_model@2"] < levels["prediction:credit_offer@c-1001-g2"]


def test_clicking_a_node_shows_its_fields_and_a_link_to_its_graph(
    browser: webdriver.Chrome, demo_site: Site
) -> None:
    open_page(browser, demo_site.url(LINKS.graph("model:credit_limit_model@2")))
    click_node(browser, "feature:purchase_analysis@2")
    wait_until(browser, "return document.querySelector('#details .node-uid')")
    panel = browser.find_element(By.ID, "details").text
    assert "feature:purchase_analysis@2" in panel
    assert "Spend, frequency and recency per customer" in panel
    assert "credit-risk-team" in panel
    assert "run run-features-2: extract_purchase_features (git:c7d8e9f, COMPLETE" in panel
    browser.find_element(By.ID, "node-graph-link").click()
    wait_until(browser, "return location.pathname.endsWith('/graph/feature:purchase_analysis@2')")
    wait_until(browser, "return !!(window.lineageGraph && window.lineageGraph.ready)")
    assert browser.execute_script("return window.lineageGraph.nodes.get('feature:purchase_analysis@2').root")


def test_the_node_panel_shows_which_input_columns_feed_each_column(
    browser: webdriver.Chrome, demo_site: Site, tmp_path: Path
) -> None:
    open_page(browser, demo_site.url(LINKS.graph("model:credit_limit_model@2")))
    click_node(browser, "feature:purchase_analysis@2")
    wait_until(browser, "return document.querySelector('#details .node-uid')")
    panel = browser.find_element(By.ID, "details").text
    assert "total_spend_12m: double — Spend over the last 12 months, EUR" in panel
    assert "← dataset:historic_data@2025#amount [DIRECT/AGGREGATION: sum over 12 months]" in panel
    birth = "← dataset:customer_data@2026-04#birth_date [DIRECT/TRANSFORMATION: years to the snapshot date]"
    assert birth in panel
    assert "\n(whole dataset)\n" in panel
    assert "← dataset:historic_data@2025#customer_id [INDIRECT/JOIN: orders joined to customers]" in panel
    assert "← dataset:customer_data@2026-04#status [INDIRECT/FILTER: active customers only]" in panel
    browser.execute_script(
        "[...document.querySelectorAll('#details dd')].find(d => d.textContent.startsWith('age:'))"
        ".scrollIntoView()"
    )
    browser.save_screenshot(str(tmp_path / "columns.png"))
    if os.environ.get("LINEAGE_UPDATE_SCREENSHOTS") == "1":
        browser.save_screenshot(str(SCREENSHOTS / "column-lineage.png"))


def test_the_controls_change_the_query(browser: webdriver.Chrome, demo_site: Site) -> None:
    open_page(browser, demo_site.url(LINKS.graph("model:credit_limit_model@2")))
    browser.find_element(By.CSS_SELECTOR, "select[name=direction] option[value=upstream]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=kinds][value=prediction]").click()
    browser.find_element(By.CSS_SELECTOR, "form.controls button[type=submit]").click()
    wait_until(browser, "return location.search.includes('direction=upstream')")
    wait_until(browser, "return !!(window.lineageGraph && window.lineageGraph.ready)")
    # upstream only, predictions left out: 4 datasets, the feature and both models
    assert graph_node_count(browser) == 7
    browser.find_element(By.ID, "find-text").send_keys("DATA")
    browser.find_element(By.CSS_SELECTOR, "#find button[type=submit]").click()
    assert browser.find_element(By.ID, "find-result").text == "4 nodes"
    assert len(browser.execute_script("return window.lineageGraph.network.getSelectedNodes()")) == 4
    assert console_errors(browser) == []


def test_the_graphql_link_answers_exactly_what_the_page_draws(
    browser: webdriver.Chrome, demo_site: Site
) -> None:
    """With features and models hidden, the page draws the datasets behind the model through them,
    dashed; its GraphQL link, run as it stands, gives the same nodes and the same edges, direct and
    indirect."""
    query = "kinds=dataset,prediction"
    open_page(browser, demo_site.url(LINKS.graph("model:credit_limit_model@2", query)))
    drawn_nodes = set(browser.execute_script("return window.lineageGraph.nodes.getIds()"))
    drawn_edges = {
        # vis-network edges point from what a node derives from to the node: back to source/target
        (e["to"], e["from"], bool(e.get("dashes")))
        for e in browser.execute_script("return window.lineageGraph.edges.get()")
    }
    link = browser.find_element(By.ID, "graphql-link").get_attribute("href")
    answer = httpx.get(link, headers={"Accept": "application/json"}, timeout=30).json()
    assert "errors" not in answer
    subgraphs = answer["data"].values()  # upstream and downstream: the page draws both
    nodes = {n["uid"] for graph in subgraphs for n in graph["nodes"]}
    edges = {(e["source"], e["target"], e["indirect"]) for graph in subgraphs for e in graph["edges"]}
    assert nodes == drawn_nodes
    assert edges == drawn_edges
    assert (len(nodes), len(edges)) == (len(drawn_nodes), len(drawn_edges))
    indirect = [e for graph in subgraphs for e in graph["edges"] if e["indirect"]]
    assert {e["target"] for e in indirect} == {"dataset:customer_data@2026-04", "dataset:historic_data@2025"}
    assert all(e["via"] == ["feature:purchase_analysis@2", "model:scoring_model@2"] for e in indirect)


def test_impact_view_highlights_what_a_change_affects(browser: webdriver.Chrome, demo_site: Site) -> None:
    uid = "dataset:historic_data@2025"
    open_page(browser, demo_site.url(LINKS.graph(uid, "view=impact")))
    assert console_errors(browser) == []
    assert graph_node_count(browser) == 15  # the root and the 14 nodes derived from it
    summary = browser.find_element(By.ID, "impact-summary")
    counts = {
        cell.get_attribute("data-kind"): int(cell.text)
        for cell in summary.find_elements(By.CSS_SELECTOR, "[data-kind]")
    }
    assert counts == {"dataset": 0, "feature": 2, "model": 4, "prediction": 8}
    assert "model:credit_limit_model@2" in summary.find_element(By.CSS_SELECTOR, ".deployed").text


def test_a_malicious_name_renders_as_text_and_runs_nothing(
    browser: webdriver.Chrome, serve: Callable[[LineageStore], Site], store: LineageStore
) -> None:
    store.write(hostile_batch())
    server = serve(store)
    for url in (server.url(LINKS.graph(HOSTILE_UID)), server.url("/?search=img")):
        open_page(browser, url, wait_for_graph="/graph/" in url)
        if "/graph/" in url:
            click_node(browser, HOSTILE_UID)
            wait_until(browser, "return document.querySelector('#details .node-uid')")
            browser.execute_script(
                "window.lineageGraph.network.selectEdges(window.lineageGraph.edges.getIds())"
            )
        time.sleep(0.3)  # give any injected onerror/onload handler the time to fire
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018 (reading it is what raises)
        assert browser.execute_script("return window.__pwned") is None
        assert browser.find_elements(By.CSS_SELECTOR, "img, svg[onload], b[onmouseover]") == []
        assert HOSTILE_NAME in browser.find_element(By.TAG_NAME, "body").text
        # A blocked injection would show as a policy violation here; escaping means there is none.
        assert console_errors(browser) == []
        assert outside_requests(browser, server) == []


def test_two_thousand_nodes_open_and_settle_in_a_few_seconds(
    browser: webdriver.Chrome,
    serve: Callable[[LineageStore], Site],
    store: LineageStore,
    record_property: Any,
) -> None:
    root, batch = fan_out_batch(2000)
    store.write(batch)
    server = serve(store)
    started = time.monotonic()
    open_page(browser, server.url(LINKS.graph(root, "direction=downstream")))
    wall = time.monotonic() - started
    drawn_ms = browser.execute_script("return window.lineageGraph.drawnAt")
    record_property("drawn_ms_2000_nodes", drawn_ms)
    print(f"\n2,000 nodes: drawn {drawn_ms:.0f} ms after navigation start; {wall:.2f} s wall clock")
    assert graph_node_count(browser) == 2000
    assert drawn_ms < 5000
    assert console_errors(browser) == []
    # Still responsive afterwards: a click on a node answers at once.
    click_node(browser, root)
    wait_until(browser, "return document.querySelector('#details .node-uid')", timeout=2)


def test_beyond_the_cap_the_page_says_what_was_cut(
    browser: webdriver.Chrome,
    serve: Callable[[LineageStore], Site],
    store: LineageStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, batch = fan_out_batch(300)
    store.write(batch)
    server = serve(store)
    monkeypatch.setenv("LINEAGE_GRAPH_MAX_NODES", "100")
    open_page(browser, server.url(LINKS.graph(root)))
    assert graph_node_count(browser) == 100
    notice = browser.find_element(By.CSS_SELECTOR, ".notice.warning").text
    assert "matches 300" in notice and "leaves out 200 predictions" in notice
    browser.find_element(By.LINK_TEXT, "without predictions").click()
    wait_until(browser, "return !!(window.lineageGraph && window.lineageGraph.ready)")
    assert graph_node_count(browser) == 51  # the dataset, 10 features and 40 models
    assert browser.find_elements(By.CSS_SELECTOR, ".notice.warning") == []


def test_browse_page_searches_and_links_every_node_to_its_graph(
    browser: webdriver.Chrome, demo_site: Site
) -> None:
    open_page(browser, demo_site.url("/"), wait_for_graph=False)
    counts = {
        card.get_attribute("data-kind"): card.find_element(By.CSS_SELECTOR, ".number").text
        for card in browser.find_elements(By.CSS_SELECTOR, "a.count-card")
    }
    assert counts == {"dataset": "6", "feature": "2", "model": "4", "prediction": "8"}
    assert "run-predict-2" in browser.find_element(By.ID, "runs").text
    assert console_errors(browser) == []
    assert outside_requests(browser, demo_site) == []
    box = browser.find_element(By.CSS_SELECTOR, "input[name=search]")
    box.send_keys("scoring")
    browser.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=model]").click()
    box.submit()
    wait_until(browser, "return location.search.includes('search=scoring')")
    rows = browser.find_elements(By.CSS_SELECTOR, "#node-list tbody tr a")
    assert [r.text for r in rows] == ["model:scoring_model@1", "model:scoring_model@2"]
    rows[1].click()
    wait_until(browser, "return !!(window.lineageGraph && window.lineageGraph.ready)")
    assert browser.execute_script("return window.lineageGraph.nodes.get('model:scoring_model@2').root")


def test_the_as_of_control_shows_the_graph_as_it_was(
    browser: webdriver.Chrome, demo_site: Site, demo_store: LineageStore
) -> None:
    first = demo_store.get_node("model:credit_limit_model@1")
    assert first is not None and first.recorded_at is not None
    open_page(browser, demo_site.url(LINKS.graph("dataset:historic_data@2025", "direction=downstream")))
    assert graph_node_count(browser) == 15
    browser.find_element(By.ID, "as-of").send_keys(first.recorded_at)
    browser.find_element(By.CSS_SELECTOR, "form.controls button[type=submit]").click()
    wait_until(browser, "return location.search.includes('asOf=')")
    wait_until(browser, "return !!(window.lineageGraph && window.lineageGraph.ready)")
    assert graph_node_count(browser) == 6  # the first generation only
    assert browser.find_element(By.CSS_SELECTOR, ".notice.as-of").text.startswith(
        f"As of {first.recorded_at}"
    )
    assert console_errors(browser) == []
    browser.find_element(By.ID, "now-link").click()
    wait_until(browser, "return !location.search.includes('asOf=')")
    wait_until(browser, "return !!(window.lineageGraph && window.lineageGraph.ready)")
    assert graph_node_count(browser) == 15


def test_a_stale_model_says_so_in_its_panel(browser: webdriver.Chrome, demo_site: Site) -> None:
    open_page(browser, demo_site.url(LINKS.graph("model:scoring_model@1")))
    click_node(browser, "model:scoring_model@1")
    wait_until(browser, "return document.querySelector('#details .node-uid')")
    reasons = browser.find_element(By.CSS_SELECTOR, "#details .stale-reasons").text
    assert reasons.startswith("stale trained on superseded versions:")
    assert "feature:purchase_analysis@1 superseded by feature:purchase_analysis@2" in reasons
    assert browser.find_element(By.ID, "node-diff-link").text == "Compare with model:scoring_model@2"
    click_node(browser, "prediction:customer_score@c-1001-g1")
    wait_until(
        browser, "return document.querySelector('#details .node-uid').textContent.startsWith('prediction')"
    )
    assert browser.find_elements(By.CSS_SELECTOR, "#details .stale-reasons") == []
    click_node(browser, "model:scoring_model@1")
    wait_until(browser, "return document.getElementById('node-diff-link')")
    browser.find_element(By.ID, "node-diff-link").click()
    wait_until(browser, "return location.pathname === '/diff'")
    wait_until(browser, "return !!(window.lineageGraph && window.lineageGraph.ready)")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(
        "model:scoring_model@1 → model:scoring_model@2"
    )


def test_the_diff_page_draws_both_histories_offline(browser: webdriver.Chrome, demo_site: Site) -> None:
    open_page(browser, demo_site.url("/diff?a=model:credit_limit_model@1&b=model:credit_limit_model@2"))
    assert console_errors(browser) == []
    assert outside_requests(browser, demo_site) == []
    assert graph_node_count(browser) == 12  # 7 versions in each history, 2 in both
    click_node(browser, "feature:purchase_analysis@1")
    wait_until(browser, "return document.querySelector('#details .node-uid')")
    assert "a's version of a name b holds at another" in browser.find_element(By.ID, "details").text


def test_screenshots(browser: webdriver.Chrome, demo_site: Site, tmp_path: Path, store_url: str) -> None:
    """Screenshots for the README. They are written to docs/ only on request, and only from one backend."""
    shots = {  # page, and the node to click first so that the side panel shows its fields
        "demo-graph.png": (LINKS.graph("model:credit_limit_model@2"), "model:scoring_model@2"),
        "impact.png": (LINKS.graph("dataset:historic_data@2025", "view=impact"), None),
        "browse.png": ("/", None),
        "diff.png": (
            "/diff?a=model:credit_limit_model@1&b=model:credit_limit_model@2",
            "model:scoring_model@1",
        ),
    }
    update = os.environ.get("LINEAGE_UPDATE_SCREENSHOTS") == "1" and store_url.startswith("ladybug")
    for name, (path, selected) in shots.items():
        open_page(browser, demo_site.url(path), wait_for_graph=path != "/")
        if selected:
            click_node(browser, selected)
            wait_until(browser, "return document.querySelector('#details .node-uid')")
            # to an empty corner, so that the hover tooltip does not cover the drawing
            canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")
            corner = (canvas.size["width"] // 2 - 20, 20 - canvas.size["height"] // 2)
            ActionChains(browser).move_to_element_with_offset(canvas, *corner).perform()
            wait_until(
                browser,
                "return getComputedStyle(document.querySelector('.vis-tooltip')).visibility === 'hidden'",
            )
        target = (SCREENSHOTS if update else tmp_path) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(target))
        assert target.stat().st_size > 20_000  # a blank page compresses to a few kilobytes
