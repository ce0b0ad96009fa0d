"""GraphiQL at /graphql in a real headless Chromium that cannot reach anything but the loopback server.

The browser's network is off: every request except to 127.0.0.1 goes to a proxy that is not there, and
no host name resolves, so a page that needed a CDN would stay on "Loading". (DevTools' offline
emulation, ``Network.emulateNetworkConditions``, would cut the loopback server off too.)
``LINEAGE_UPDATE_SCREENSHOTS=1`` writes docs/screenshots/graphiql-offline.png (from the LadybugDB run).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.store.base import LineageStore
from tests.api_support import RO_TOKEN, TOKENS, free_port, serving
from tests.test_schema_examples import EXAMPLES
from tests.test_viz_browser import (
    SCREENSHOTS,
    Site,
    chromium,
    console_errors,
    open_page,
    outside_requests,
    wait_until,
)

pytestmark = pytest.mark.browser

SHOT = "graphiql-offline.png"
RESULT_EDITOR = "document.querySelector('.result-window .CodeMirror').CodeMirror"
RESULT = f"{RESULT_EDITOR}.getValue()"
QUERY = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()"


@pytest.fixture(scope="module")
def offline_browser() -> Iterator[webdriver.Chrome]:
    closed_port = free_port()  # nothing listens there: a proxy that refuses every connection
    yield from chromium(
        f"--proxy-server=http://127.0.0.1:{closed_port}",
        "--proxy-bypass-list=127.0.0.1",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    )


@pytest.fixture
def demo_site(demo_store: LineageStore) -> Iterator[Site]:
    with serving(create_app(store=demo_store)) as base:
        yield Site(base)


def assert_offline(browser: webdriver.Chrome) -> None:
    """The browser reaches no outside host (this machine itself may)."""
    for url in ("https://registry.npmjs.org/", "http://104.16.0.35/"):
        with pytest.raises(WebDriverException, match=r"net::ERR_(PROXY_CONNECTION_FAILED|NAME_NOT_RESOLVED)"):
            browser.get(url)


def open_graphiql(browser: webdriver.Chrome, url: str) -> list[str]:
    """Load the page as a first visit (GraphiQL keeps its tabs in local storage) and wait for GraphiQL
    to draw its tabs; return their titles."""
    browser.delete_all_cookies()
    browser.execute_cdp_cmd(
        "Storage.clearDataForOrigin", {"origin": url.split("/graphql")[0], "storageTypes": "all"}
    )
    open_page(browser, url, wait_for_graph=False)
    titles: list[str] = wait_until(
        browser,
        "const tabs = document.querySelectorAll('.graphiql-tab-button');"
        "return tabs.length && [...tabs].map(t => t.title)",
    )
    return titles


def pick_tab(browser: webdriver.Chrome, title: str) -> None:
    """Open an example's tab, and wait until its query is in the editor: GraphiQL switches the tab
    first and the operation a run sends a moment later (a run in between sends the old operation's name)."""
    browser.find_element(By.CSS_SELECTOR, f".graphiql-tab-button[title={title}]").click()
    wait_until(browser, f"return document.querySelector('.graphiql-tab-active button').title === '{title}'")
    wait_until(browser, f"return {QUERY}.includes('query {title}')")


def run_and_read(browser: webdriver.Chrome) -> Any:
    """Press the run button and return the answer shown in the result pane. GraphiQL works out the
    operation's name from the editor a moment after a tab switch; a run in that moment sends the last
    tab's name and gets "Unknown operation" back, so that answer is run again (a person would too)."""
    for _ in range(5):
        browser.execute_script(f"{RESULT_EDITOR}.setValue('')")
        browser.find_element(By.CSS_SELECTOR, "button.graphiql-execute-button").click()
        try:  # the pane can show an empty object before the answer arrives: wait for its own keys
            text = wait_until(
                browser,
                f"const t = {RESULT}; return t.trim().startsWith('{{') && /\"(data|errors?)\"/.test(t) && t",
            )
        except AssertionError:
            shown = browser.execute_script(f"return {RESULT}")
            raise AssertionError(f"no answer; the pane holds {shown!r}") from None
        answer = json.loads(text)
        if "Unknown operation named" not in str(answer.get("error", "")):
            return answer
        time.sleep(0.5)
    raise AssertionError(f"GraphiQL kept sending another tab's operation: {answer}")


def test_graphiql_answers_an_example_with_the_network_off(
    offline_browser: webdriver.Chrome, demo_site: Site, store_url: str, tmp_path: Path
) -> None:
    browser = offline_browser
    assert_offline(browser)
    titles = open_graphiql(browser, demo_site.url("/graphql"))
    # one tab per example, named by its operation
    assert len(titles) == len(list(EXAMPLES.glob("*.graphql")))
    assert "WhatFedThisModel" in titles and "AuditAnOffer" in titles

    pick_tab(browser, "WhatFedThisModel")
    answer = run_and_read(browser)
    assert "errors" not in answer, answer
    uids = {node["uid"] for node in answer["data"]["upstream"]["nodes"]}
    assert {
        "model:credit_limit_model@2",
        "feature:purchase_analysis@2",
        "dataset:customer_data@2026-04",
    } <= uids
    assert len(uids) == 7

    assert console_errors(browser) == []  # a policy violation would show here
    assert outside_requests(browser, demo_site) == []
    if os.environ.get("LINEAGE_UPDATE_SCREENSHOTS") == "1" and store_url.startswith("ladybug"):
        target = SCREENSHOTS / SHOT
    else:
        target = tmp_path / SHOT
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 20_000  # a blank page compresses to a few kilobytes


def test_a_typed_query_runs(offline_browser: webdriver.Chrome, demo_site: Site) -> None:
    browser = offline_browser
    open_graphiql(browser, demo_site.url("/graphql"))
    browser.find_element(By.CSS_SELECTOR, "button.graphiql-tab-add").click()
    editor = browser.find_element(By.CSS_SELECTOR, ".graphiql-query-editor .CodeMirror textarea")
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    # GraphiQL closes brackets as they open; typing the closing one steps over it, as for a person.
    editor.send_keys("{ nodes(kind: MODEL) { totalCount } }")
    assert run_and_read(browser) == {"data": {"nodes": {"totalCount": 4}}}
    assert console_errors(browser) == []
    assert outside_requests(browser, demo_site) == []


def test_a_browser_signs_in_and_comes_back_to_graphiql(
    offline_browser: webdriver.Chrome, demo_store: LineageStore
) -> None:
    browser = offline_browser
    with serving(create_app(Settings(tokens=TOKENS), store=demo_store)) as base:
        browser.delete_all_cookies()
        open_page(browser, base + "/graphql", wait_for_graph=False)
        wait_until(browser, "return location.pathname === '/login'")
        browser.find_element(By.NAME, "token").send_keys(RO_TOKEN, Keys.ENTER)
        wait_until(
            browser, "return location.pathname === '/graphql' && document.querySelector('.graphiql-tab')"
        )
        browser.get_log("browser")  # the sign-in page's own messages (its favicon needs a session)
        pick_tab(browser, "ModelsPage")
        answer = run_and_read(browser)
        assert answer["data"]["nodes"]["totalCount"] == 4
        assert console_errors(browser) == []
        assert outside_requests(browser, Site(base)) == []
