"""A client generated from the contract drives one application, end to end, against a live server.

``openapi-python-client`` (a maintained generator, pinned in requirements-dev.txt) reads the served
``/api/v1/openapi.json`` and writes a typed client into a temporary folder; the test imports it and
uses only it: token, the item's guide, upload, application, correction notice (一次性告知),
the applicant reading and answering it, acceptance, both approval steps, delivery. Before the
schema names were unique this client could not even be used: ``GET /items/{code}`` parsed the
catalogue's steps with the case's ``StepOut`` and crashed, and the correction notice it would send
was the classifier's ``CorrectionIn``.

The generator runs offline (no network); its formatting hooks are switched off so that the test
depends on the generator alone.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from yiwang.cases.models import Case
from yiwang.testing import factories

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "yiwang_generated_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def client_package(live_server, tmp_path):
    """Generate the client from the live server's contract and import it."""
    spec = tmp_path / "openapi.json"
    # httpx's default timeout is 5 s, and the whole contract, built cold, takes 3 s of this process
    # at load 8 (the live server is a thread of it): a bound for a server that hangs, as the
    # generator's below, not a speed check
    spec.write_bytes(httpx.get(f"{live_server.url}/api/v1/openapi.json", timeout=120).raise_for_status().content)
    config = tmp_path / "config.yaml"
    # Spreadsheet and PDF downloads (the red list, signed documents) are binary to a client: the generator's documented
    # content_type_overrides says so, as a client author would.
    config.write_text(f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"
                      "content_type_overrides:\n"
                      "  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream\n"
                      "  application/pdf: application/octet-stream\n")
    out = tmp_path / "generated" / PACKAGE
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(spec), "--output-path", str(out), "--meta", "none",
         "--config", str(config), "--fail-on-warning"],
        capture_output=True, text=True, timeout=300,
    )
    # A warning means an operation or schema the generator skipped: the client would lack it.
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(out.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out.parent))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def opened():
    """Clients to close when the test ends: a kept-alive connection would keep the live server's
    request thread, and its database connection, open past the test (PostgreSQL then cannot drop
    the test database)."""
    clients: list = []
    yield clients
    for client in clients:
        client.get_httpx_client().close()


def test_a_generated_client_takes_an_application_from_submission_to_delivery(world, live_server, client_package,
                                                                              opened):
    gen = client_package
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    cases = importlib.import_module(f"{PACKAGE}.api.cases")
    catalog = importlib.import_module(f"{PACKAGE}.api.catalog")
    auth = importlib.import_module(f"{PACKAGE}.api.auth")
    assert api and cases and catalog and auth
    op = {name: importlib.import_module(f"{PACKAGE}.api.{tag}.yiwang_{app}_api_{name}")
          for tag, app, name in [
              ("auth", "core", "obtain_token"), ("catalog", "catalog", "get_item"),
              ("cases", "cases", "upload_material"), ("cases", "cases", "create_application"),
              ("cases", "cases", "ask_correction"), ("cases", "cases", "get_case"), ("cases", "cases", "supply"),
              ("cases", "cases", "accept"), ("cases", "cases", "list_my_tasks"), ("cases", "cases", "complete_task"),
              ("cases", "cases", "deliver")]}
    public = gen.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    opened.append(public)

    def signed_in(username: str):
        token = op["obtain_token"].sync(client=public, body=models.TokenIn(username=username,
                                                                           password=f"pw-{username}"))
        assert isinstance(token, models.TokenOut), token
        signed = gen.AuthenticatedClient(base_url=live_server.url, token=token.token, raise_on_unexpected_status=True)
        opened.append(signed)
        return signed

    citizen, clerk = signed_in("citizen"), signed_in("clerk")

    # the citizen reads the item's guide: its materials and the process steps (ProcessStepOut)
    item = op["get_item"].sync(client=public, code=world.item.code)
    assert isinstance(item, models.ItemDetail), item
    assert [s.name for s in item.steps] == ["审查", "决定"]
    assert all(isinstance(s, models.ProcessStepOut) for s in item.steps)
    missing = op["get_item"].sync(client=public, code="NO-SUCH-ITEM")
    assert isinstance(missing, models.ErrorOut) and missing.code == "item_not_found"

    def upload(name: str) -> int:
        body_model = next(getattr(models, n) for n in dir(models) if n.endswith("UploadMaterialFileParams"))
        staged = op["upload_material"].sync(client=citizen, body=body_model(
            file=types.File(payload=factories.PDF_BYTES, file_name=name, mime_type="application/pdf")))
        assert isinstance(staged, models.UploadOut), staged
        return staged.id

    # and applies with the required materials
    required = [m for m in item.materials if m.required]
    case = op["create_application"].sync(client=citizen, idempotency_key="gen-1", body=models.ApplicationIn(
        item_code=item.code, form=models.ApplicationInForm.from_dict({"shop_name": "青禾小馆", "area": "36"}),
        materials=[models.MaterialIn(material_id=m.id, upload_id=upload(f"{m.id}.pdf")) for m in required]))
    assert isinstance(case, models.CaseActionOut), case  # the actions answer compact (contract 1.1)
    assert case.status == "submitted" and case.links.case == f"/api/v1/cases/{case.number}"

    # the clerk sends a correction notice (CorrectionNoticeIn): one material is unreadable
    asked = op["ask_correction"].sync(client=clerk, number=case.number, body=models.CorrectionNoticeIn(
        material_ids=[required[1].id], note="经营场所证明不清晰，请重新上传"))
    assert isinstance(asked, models.CaseActionOut), asked
    assert asked.status == "correction"

    # the citizen reads the case with its notice (CorrectionNoticeOut) and answers it
    seen = op["get_case"].sync(client=citizen, number=case.number)
    assert isinstance(seen, models.CaseOut), seen
    [notice] = seen.corrections
    assert isinstance(notice, models.CorrectionNoticeOut)
    assert (notice.note, notice.materials, notice.answered_at) == ("经营场所证明不清晰，请重新上传", [required[1].name], None)
    supplied = op["supply"].sync(client=citizen, number=case.number, body=models.SupplyIn(
        materials=[models.MaterialIn(material_id=required[1].id, upload_id=upload("lease.pdf"))], note="已补交"))
    assert isinstance(supplied, models.CaseActionOut), supplied
    assert supplied.status == "submitted"
    assert op["get_case"].sync(client=citizen, number=case.number).corrections[0].answered_at is not None

    # the clerk accepts; each approver completes their step from their inbox
    accepted = op["accept"].sync(client=clerk, number=case.number, body=models.AcceptIn(note="材料齐全"))
    assert isinstance(accepted, models.CaseActionOut) and accepted.status == "in_review", accepted
    assert [s.name for s in accepted.open_steps] == ["审查"] and all(
        isinstance(s, models.CaseActionStepOut) for s in accepted.open_steps)
    for username in ("scjg_reviewer", "scjg_decider"):
        approver = signed_in(username)
        inbox = op["list_my_tasks"].sync(client=approver)
        assert isinstance(inbox, models.PagedTaskOut) and (inbox.count, inbox.next_) == (1, None), inbox
        [task] = inbox.items
        assert isinstance(task, models.TaskOut) and task.case_number == case.number
        done = op["complete_task"].sync(client=approver, step_id=task.id,
                                        body=models.DecisionIn(decision="approve", comment="同意"))
        assert isinstance(done, models.CaseActionOut), done
        assert all(isinstance(s, models.CaseActionStepOut) for s in done.open_steps)

    # the result is delivered and the case closes
    delivered = op["deliver"].sync(client=clerk, number=case.number, body=models.DeliveryIn(method="window"))
    assert isinstance(delivered, models.CaseActionOut), delivered
    assert delivered.status == "closed" and delivered.outcome == "approved"
    assert Case.objects.get(number=case.number).status == "closed"
