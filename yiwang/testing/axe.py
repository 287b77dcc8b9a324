"""axe-core in the browser tests (docs/accessibility.md).

axe-core comes from npm (package.json) and is copied to static/vendor by the Makefile's
``static/vendor/.built`` target; no page links it. A test loads it into the page it is looking at
as a same-origin script, ``<script src="/static/vendor/axe.min.js">``, which the strict CSP
(``script-src 'self'``) allows. Playwright's ``add_script_tag(path=...)`` would inline the file's
text and is refused by the same CSP; ``page.evaluate`` runs over the DevTools protocol, which the
page's CSP does not govern, so ``axe.run`` needs no relaxed test-only policy: the pages are checked
under the policy they are served with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

AXE_FILE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe.min.js"
AXE_URL = "/static/vendor/axe.min.js"
# WCAG 2.1 A and AA (GB/T 37668-2019 follows WCAG 2.0 AA), and axe's best practices (landmarks,
# one <h1>, a skip link's target, …)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")

_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return {
    passes: r.passes.length,
    violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                summary: (n.failureSummary || '').slice(0, 300)}))})),
  };
}"""


def run_axe(page: Any) -> dict[str, Any]:
    """Run axe-core on the page as it is now: ``{"passes": n, "violations": [...]}``."""
    if not AXE_FILE.exists():
        raise AssertionError(f"{AXE_FILE} is missing: run `make assets` (npm package axe-core, copied by the Makefile).")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
    return page.evaluate(_RUN, TAGS)


def blocking(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        lines += [f"    {n['target']}  {n['html']}\n      {n['summary']}" for n in v["nodes"][:5]]
    return "\n".join(lines)
