"""The management platform in a real browser (Debian's chromium), desktop and 390 px, Chinese and
English: the programme office reads the plan and the Gantt chart with its critical path, is
refused a dependency that would close a cycle, reads the budget and the report archive; every page
is axe-clean and nothing scrolls the page sideways on a phone (the Gantt chart scrolls in its box)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yiwang.core.demo import DEPARTMENTS
from yiwang.programme.demo import seed_programme
from yiwang.testing import factories
from yiwang.testing.axe import blocking, describe, run_axe
from yiwang.testing.browser import VIEWPORTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = {"zh-CN": {"critical": "关键路径", "cycle": "循环依赖", "add": "增加依赖"},
        "en-US": {"critical": "Critical path", "cycle": "circular dependency", "add": "Add dependency"}}


@pytest.fixture
def demo_plan(db):
    for code, name, name_en, centre in DEPARTMENTS:
        department = factories.department(code, name, centre=centre)
        department.name_en = name_en
        department.save()
    factories.user("pmo", ZWFW="pmo")  # the seeder keeps an existing account (and its test password)
    factories.user("ga_head", GA="head")
    seed_programme()


def _look(page, shots: Path, name: str, width: int) -> None:
    result = run_axe(page)
    assert not blocking(result), describe(blocking(result))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(shots / name), full_page=True)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_programme_office_reads_the_plan_and_is_refused_a_cycle(demo_plan, live_server, browser, tmp_path,  # noqa: F811
                                                                    locale, size):
    shots = Path(os.environ.get("YIWANG_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    width = VIEWPORTS[size]["width"]
    page, errors = sign_in(browser, live_server.url, "pmo", locale=locale, viewport=VIEWPORTS[size])
    text = TEXT[locale]

    # the plan: lights, milestones, the Gantt chart drawn, the critical path named
    page.goto(f"{live_server.url}/work/programme/")
    expect(page.locator("#gantt canvas").first).to_be_visible()
    expect(page.locator("#count-red")).not_to_have_text("0")
    assert "T16" in page.inner_text("#critical-path")
    expect(page.locator("#task-list .critical-badge").first).to_have_text(text["critical"])
    _look(page, shots, f"programme-overview-{size}-{locale}.png", width)

    # a task: adding T12 as a predecessor of T07 would close T07 → T12 → T07
    page.goto(f"{live_server.url}/work/programme/tasks/T07/")
    page.select_option("#predecessor", "T12")
    # (the refusal is a page of its own, a 422: wait for its load before the layout is measured)
    with page.expect_navigation(url="**/work/programme/tasks/T07/"):
        page.get_by_role("button", name=text["add"]).click()
    expect(page.locator("#task-error")).to_contain_text(text["cycle"])
    expect(page.locator("#task-error")).to_contain_text("T07")
    _look(page, shots, f"programme-task-{size}-{locale}.png", width)

    # the budget with its overrun, the 三单, the report archive
    page.goto(f"{live_server.url}/work/programme/budget/")
    expect(page.locator("#budget-table tr.budget-red")).to_have_count(1)
    _look(page, shots, f"programme-budget-{size}-{locale}.png", width)
    page.goto(f"{live_server.url}/work/programme/lists/deadlines/")
    _look(page, shots, f"programme-lists-{size}-{locale}.png", width)
    page.goto(f"{live_server.url}/work/programme/reports/")
    expect(page.locator("#report-archive tbody tr")).to_have_count(1)
    _look(page, shots, f"programme-reports-{size}-{locale}.png", width)
    # the one failed request is the refusal itself (422, shown on the page)
    assert errors == [f"422 {live_server.url}/work/programme/tasks/T07/".replace("127.0.0.1", "localhost")] or \
        errors == [f"422 {live_server.url}/work/programme/tasks/T07/"], errors
    page.context.close()
