"""The design load of a county's peak hour against the edge (bench/load/README.md has the assumptions).

Run by bench/load/run.py (headless, loopback, bounded in time); by hand:

    LOAD_SEED=var/cluster/load-seed.json LOAD_ACK_LOG=var/cluster/acks.jsonl LOAD_SAMPLES=var/cluster/samples.jsonl \
    .venv/bin/locust -f bench/load/locustfile.py --headless -H http://127.0.0.1:8080 -u 33 -r 33 -t 60s

Each user class stands for one kind of traffic at a fixed rate per user (``constant_throughput``);
the classes' weights are their user counts at 1×, so ``-u`` = 33 × scale keeps the mix. Every request
is recorded (time, endpoint, status, latency) in LOAD_SAMPLES for the runner: admitted answers and
shed ones (429/503 with Retry-After) are told apart there, which locust's own table does not do.
Submissions send an ``Idempotency-Key`` and retry the same key on a refusal (after Retry-After), a
connection error or a 5xx; each acknowledged one (2xx) is appended to LOAD_ACK_LOG as
``{"key", "case_number", "status", "t"}`` (the format of deploy/drills/submitter.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import struct
import time
import uuid
from typing import Any

import gevent
from gevent.lock import Semaphore
from gevent.queue import Queue
from locust import HttpUser, LoadTestShape, events, task

SEED: dict[str, Any] = json.loads(open(os.environ.get("LOAD_SEED", "var/cluster/load-seed.json"), encoding="utf-8").read())
ACK_LOG = os.environ.get("LOAD_ACK_LOG", "var/cluster/acks.jsonl")
SAMPLES = os.environ.get("LOAD_SAMPLES", "var/cluster/samples.jsonl")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JSON = {"Content-Type": "application/json"}
SHED = {429, 503}

# Cases submitted and waiting for the window (accept → review → decide → deliver).
submitted: Queue = Queue()
_tokens: dict[str, str] = {}
_sign_in_locks: dict[str, Semaphore] = {}
_samples = open(SAMPLES, "a", encoding="utf-8", buffering=1)
_acks = open(ACK_LOG, "a", encoding="utf-8", buffering=1)


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, response_length: int, response: Any = None,
            exception: Any = None, **_kw: Any) -> None:
    status = getattr(response, "status_code", 0) if response is not None else 0
    if exception is not None and not status:
        status = 0  # connection error, timeout
    _samples.write(json.dumps({"t": round(time.time(), 3), "name": f"{request_type} {name}",
                               "ms": round(response_time, 1), "status": status}) + "\n")


def paced(rate: float) -> Any:
    """``rate`` tasks a second per user on average, each interval drawn between 0.5 and 1.5 times
    1/rate from the previous task's start, the first one at a random phase: users spawned together
    do not stay in step (locust's constant_throughput keeps them in step, and a whole class then
    arrives in the same instant every period: bursts no real population makes)."""
    period = 1.0 / rate

    def wait(user: Any) -> float:
        now = time.monotonic()
        last = getattr(user, "_paced_at", None)
        target = now + random.uniform(0, period) if last is None else last + random.uniform(0.5, 1.5) * period
        user._paced_at = max(target, now)
        return max(0.0, target - now)

    return wait


class Paced(HttpUser):
    """Starts at a random phase too (the first task waits as long as a random part of a period)."""
    abstract = True

    def on_start(self) -> None:
        gevent.sleep(self.wait_time())


def retry_after(response: Any) -> float:
    try:
        return min(10.0, max(0.5, float(response.headers.get("Retry-After", "2"))))
    except (TypeError, ValueError):
        return 2.0


def totp(hex_key: str, at: float | None = None) -> str:
    """The current code of a TOTP device (RFC 6238: HMAC-SHA1, 30-s steps, 6 digits, django-otp's
    defaults), as the staff member's authenticator app shows it. A code is accepted once: a second
    sign-in within the same 30 s is refused and retried by ``sign_in`` with the next code."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset:offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


class Api(Paced):
    abstract = True
    username: str = ""
    token: str = ""

    def sign_in(self, username: str) -> None:
        # One sign-in per account for the whole run (a token lasts TOKEN_TTL_HOURS): users added by a
        # spike reuse it, so the spike is the traffic of the design load, not a storm of password hashes.
        # Users starting together wait for the one signing in (a staff member's TOTP code is accepted
        # once: several sign-ins with the same code would fail and count towards the lockout).
        with _sign_in_locks.setdefault(username, Semaphore()):
            if username in _tokens:
                self.token = _tokens[username]
                return
            for _attempt in range(30):
                credentials = {"username": username, "password": SEED["password"]}
                if username in SEED.get("otp_keys", {}):  # production mode: staff give their TOTP code
                    credentials["otp"] = totp(SEED["otp_keys"][username])
                with self.client.post("/api/v1/auth/token", json=credentials,
                                      name="/api/v1/auth/token", catch_response=True) as r:
                    if r.status_code == 200:
                        self.token = _tokens[username] = r.json()["token"]
                        r.success()
                        return
                    r.failure(f"HTTP {r.status_code}")
                    wait = retry_after(r) if r.status_code in SHED else 2.0
                    if "otp" in credentials and r.status_code == 401:
                        wait = 30 - time.time() % 30 + 0.5  # that code is spent: wait for the next one
                gevent.sleep(wait)
            raise RuntimeError(f"cannot sign in as {username}")

    def auth(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def call(self, method: str, path: str, name: str, ok: tuple[int, ...] = (200,), attempts: int = 1,
             **kw: Any) -> Any:
        """One request (or, with ``attempts``, the same one again after a refusal or a 5xx); the
        answer's JSON or None. A shed answer is not an error of the platform: the runner counts it."""
        for attempt in range(attempts):
            with self.client.request(method, path, name=name, catch_response=True, **kw) as r:
                if r.status_code in ok:
                    r.success()
                    try:
                        return r.json()
                    except ValueError:
                        return {}
                if r.status_code in SHED:
                    r.failure(f"shed {r.status_code}")
                    wait = retry_after(r)
                elif r.status_code == 0 or r.status_code >= 500:
                    r.failure(f"HTTP {r.status_code}")
                    wait = 1.0
                else:
                    r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
                    return None
            if attempt + 1 < attempts:
                gevent.sleep(wait)
        return None


class PublicVisitor(Paced):
    """Citizens reading the portal: the front page, item search, guides, the public catalogue API."""
    weight = 10
    wait_time = paced(0.2)

    @task(3)
    def guide(self) -> None:
        code = random.choice(SEED["item_guides"])
        self.client.get(f"/items/{code}/", name="/items/{code}/")

    @task(2)
    def search(self) -> None:
        self.client.get("/items/?q=" + random.choice(["营业执照", "社保", "不动产", "护照", "公积金"]), name="/items/?q=")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(1)
    def api_items(self) -> None:
        self.client.get("/api/v1/items?limit=20", name="/api/v1/items")


class Applicant(Api):
    """一网通办: one application every 30 s per user (guide → upload → submit → follow)."""
    weight = 4
    wait_time = paced(1 / 30)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(random.choice(SEED["citizens"]))

    @task
    def apply(self) -> None:
        self.call("GET", f"/api/v1/items/{SEED['item']}", "/api/v1/items/{code}", headers=self.auth())
        up = self.call("POST", "/api/v1/uploads", "/api/v1/uploads", ok=(201,), attempts=6,
                       headers=self.auth(), files={"file": ("scan.pdf", PDF, "application/pdf")})
        if up is None:
            return
        key = f"load-{uuid.uuid4().hex}"
        payload = {"item_code": SEED["item"], "form": {"shop_name": f"青禾小馆{random.randint(1, 10**6)}", "area": "35"},
                   "materials": [{"material_id": SEED["material_id"], "upload_id": up["id"]}]}
        for attempt in range(12):  # the same key until acknowledged: never a second case
            with self.client.post("/api/v1/applications", data=json.dumps(payload), name="/api/v1/applications",
                                  headers=self.auth(**JSON, **{"Idempotency-Key": key}), catch_response=True) as r:
                if r.status_code in (200, 201):
                    r.success()
                    number = r.json()["number"]
                    _acks.write(json.dumps({"key": key, "case_number": number, "status": r.status_code,
                                            "t": round(time.time(), 3)}) + "\n")
                    submitted.put(number)
                    break
                r.failure(f"shed {r.status_code}" if r.status_code in SHED else f"HTTP {r.status_code}: {r.text[:200]}")
                if r.status_code not in SHED and 0 < r.status_code < 500:
                    return
                wait = retry_after(r) if r.status_code in SHED else min(8.0, 0.5 * 2 ** attempt)
            gevent.sleep(wait)
        else:
            return
        self.call("GET", f"/api/v1/cases/{number}", "/api/v1/cases/{number}", headers=self.auth())


class Window(Api):
    """The window and the department: accept, review, decide and deliver each submitted case (four
    writes by four people), and the staff's inbox reads in between."""
    weight = 6
    wait_time = paced(0.5)
    people = {"clerk": "clerk", "reviewer": "scjg_reviewer", "decider": "scjg_decider"}

    def on_start(self) -> None:
        super().on_start()
        self.tokens = {}
        for role, username in self.people.items():
            self.sign_in(username)
            self.tokens[role] = self.token

    def as_(self, role: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    @task(3)
    def inbox(self) -> None:
        role = random.choice(["reviewer", "decider"])
        self.call("GET", "/api/v1/tasks?limit=20", "/api/v1/tasks", headers=self.as_(role))

    @task(1)
    def cases_list(self) -> None:
        self.call("GET", "/api/v1/cases?limit=20", "/api/v1/cases", headers=self.as_("clerk"))

    @task(2)
    def work_a_case(self) -> None:
        try:
            number = submitted.get(block=False)
        except gevent.queue.Empty:
            return self.inbox()
        case = self.call("POST", f"/api/v1/cases/{number}/accept", "/api/v1/cases/{number}/accept", attempts=6,
                         headers=self.as_("clerk", **JSON),
                         # the demo's PDF has OCR pre-review findings: the clerk has looked at them
                         data=json.dumps({"acknowledge_findings": True}))
        for _ in range(2):
            if not case:
                return
            # an action answers the case's open steps (``open_steps``, since issue #14); the full case
            # with ``steps`` is at its own URL
            steps = case.get("open_steps") or [s for s in case.get("steps", []) if s.get("status") == "open"]
            if not steps:
                break
            step = steps[0]
            role = "decider" if step.get("role") == "decider" or step.get("name") in ("决定", "decide") else "reviewer"
            case = self.call("POST", f"/api/v1/tasks/{step['id']}/complete", "/api/v1/tasks/{id}/complete", attempts=6,
                             headers=self.as_(role, **JSON), data=json.dumps({"decision": "approve", "comment": "同意"}))
        if case:
            self.call("POST", f"/api/v1/cases/{number}/deliver", "/api/v1/cases/{number}/deliver", attempts=6,
                      headers=self.as_("clerk", **JSON), data=json.dumps({"method": "window"}))


class Supervisor(Api):
    """电子监察 and the 12345 command board on screens, refreshed every few seconds."""
    weight = 2
    wait_time = paced(0.35)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in("supervisor")

    @task(1)
    def board(self) -> None:
        self.call("GET", "/api/v1/supervision/board", "/api/v1/supervision/board", headers=self.auth())

    @task(1)
    def appeals_board(self) -> None:
        self.call("GET", "/api/v1/appeals/board", "/api/v1/appeals/board", headers=self.auth())


class Gateway(Paced):
    """Data-sharing lookups by another department's system (an API key, one row by citizen ID)."""
    weight = 2
    wait_time = paced(0.5)

    @task
    def lookup(self) -> None:
        key = random.choice(SEED["people_keys"])
        with self.client.get("/api/v1/exchange/lookup", name="/api/v1/exchange/lookup", catch_response=True,
                             params={"resource": SEED["resource"], "key": key, "fields": ",".join(SEED["fields"]),
                                     "purpose": "压测"},
                             headers={"X-API-Key": SEED["gateway_key"]}) as r:
            if r.status_code == 200:
                r.success()
            else:
                r.failure(f"shed {r.status_code}" if r.status_code in SHED else f"HTTP {r.status_code}: {r.text[:200]}")


class Hotline(Paced):
    """12345 reports from a partner system (Open311 POST), one every 100 s."""
    weight = 1
    wait_time = paced(1 / 100)
    descriptions = ["公交站台顶棚破损，下雨天候车的人都淋湿了，请尽快修复。", "路口信号灯一直黄闪，早高峰车辆乱行，存在安全隐患。",
                    "工地夜间施工噪声扰民，凌晨一点还在打桩。", "小区门口垃圾堆放多日无人清运。"]

    @task
    def report(self) -> None:
        data = {"api_key": SEED["open311_key"], "service_code": random.choice(SEED["open311_services"]),
                "lat": f"{30.10 + random.random() * 0.2:.6f}", "long": f"{120.00 + random.random() * 0.2:.6f}",
                "description": random.choice(self.descriptions), "email": "partner-user@example.com",
                "first_name": "明", "last_name": "王", "phone": "13800138000"}
        for _attempt in range(6):
            with self.client.post("/open311/v2/requests.json", data=data, name="/open311/v2/requests.json",
                                  catch_response=True) as r:
                if r.status_code in (200, 201):
                    r.success()
                    return
                r.failure(f"shed {r.status_code}" if r.status_code in SHED else f"HTTP {r.status_code}: {r.text[:200]}")
                if r.status_code not in SHED:
                    return
                wait = retry_after(r)
            gevent.sleep(wait)


BASE_USERS = sum(c.weight for c in (PublicVisitor, Applicant, Window, Supervisor, Gateway, Hotline))

if os.environ.get("LOAD_PROFILE") == "spike":
    class Spike(LoadTestShape):
        """1× for LOAD_BEFORE s, LOAD_SPIKE× for LOAD_SPIKE_S s, 1× for LOAD_AFTER s."""
        before = float(os.environ.get("LOAD_BEFORE", "60"))
        spike = float(os.environ.get("LOAD_SPIKE_S", "120"))
        after = float(os.environ.get("LOAD_AFTER", "120"))
        factor = float(os.environ.get("LOAD_SPIKE", "3"))

        def tick(self) -> tuple[int, float] | None:
            t = self.get_run_time()
            if t < self.before:
                return BASE_USERS, BASE_USERS
            if t < self.before + self.spike:
                return round(BASE_USERS * self.factor), BASE_USERS * 2
            if t < self.before + self.spike + self.after:
                return BASE_USERS, BASE_USERS * 2
            return None
