# Yiwang: `make run` serves the demo at http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := yiwang.settings

.PHONY: audit run test venv assets migrate demo messages browser-deps system-deps bench-deps lint bench clean alerts-check nginx-check cluster-up cluster-down cluster-status

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

static/vendor/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/
	cp node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js static/vendor/
	cp -r node_modules/bpmn-js/dist/assets static/vendor/bpmn-js-assets
	mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css static/vendor/swagger-ui/
	# axe-core: the accessibility checker the browser tests inject (docs/accessibility.md); no page loads it
	cp node_modules/axe-core/axe.min.js static/vendor/
	touch static/vendor/.built

assets: static/vendor/.built

# gettext's msgfmt compiles the English catalogue; install it where missing (Debian: gettext).
messages: $(STAMP)
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput -v 0

demo: system-deps migrate messages assets
	$(PY) manage.py seed_demo

# The web server, a background worker (django-tasks) for OCR pre-review and other tasks, and the
# notification sender (the outbox's SMS and email, a pass every second).
# Demo mode (demo accounts, generated keys, the demo secret) is explicit: only `make run`, the demo
# targets and the tests set it; a deployment never does (docs/deployment.md).
run demo migrate messages bench: export DEMO_MODE := 1
run: export DEBUG := 1
run: demo
	@echo "Yiwang: http://$(HOST):$(PORT)/  (demo accounts in README.md, password yiwang2026)"
	$(PY) manage.py supervise_appeals --schedule  # the worker then urges overdue appeals every 5 minutes
	$(PY) manage.py refresh_hot_topics --schedule  # and refreshes the command board's hot topics every 10 minutes
	$(PY) manage.py db_worker --no-reload --queue-name '*' >var/worker.log 2>&1 & WORKER=$$!; \
	$(PY) manage.py send_notifications --loop >var/sender.log 2>&1 & SENDER=$$!; \
	trap 'kill $$WORKER $$SENDER 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian packages: the libraries OpenCV (OCR pre-review) links against, and the CJK fonts the OCR
# tests and benchmark render with (and fonts-wqy-zenhei, the TrueType CJK font embedded in the case
# documents' PDFs: ReportLab cannot embed Noto's CFF outlines; fonts-babelstone-han, the TrueType
# fallback for what it lacks: CJK Extensions B-F, PDF_FALLBACK_FONTS), and the openssl command line
# the 国密 interop tests check against, and qpdf, the independent PDF checker the writer's tests run;
# installed where missing (root, as on CI).
system-deps:
	@(ldconfig -p | grep -q 'libGL.so.1' && ldconfig -p | grep -q 'libgthread-2.0.so.0' && \
	  ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc \
	     /usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf >/dev/null 2>&1 && command -v openssl >/dev/null && \
	  command -v qpdf >/dev/null) || \
	  (apt-get update -qq && apt-get install -y -qq libgl1 libglib2.0-0 fonts-noto-cjk fonts-wqy-zenhei \
	     fonts-babelstone-han openssl qpdf >/dev/null)

# Browser tests drive Debian's chromium; install it where missing (needs root, as on CI).
browser-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

test: venv system-deps messages assets browser-deps
	$(PY) -m pytest -q -n 2 $(PYTEST_ARGS)

# Security scanning: pip-audit (requirements.txt), npm audit (runtime packages) and bandit (yiwang/).
# Fails on a finding not reviewed in .ci/audit-ignore.toml; a scanner that cannot reach its
# vulnerability database says NOT CHECKED (AUDIT_STRICT=1 makes that fail too).
audit: venv
	$(PY) .ci/audit.py

# ruff, import-linter's layering contract (pyproject.toml: lower apps never import higher ones,
# tests included), and mypy with django-stubs (pyproject.toml [tool.mypy]) held against the list of
# errors not yet fixed (.ci/mypy_check.py: a new error fails, and so does a fixed one left listed).
lint: venv
	$(VENV)/bin/ruff check yiwang bench
	$(VENV)/bin/lint-imports
	$(PY) .ci/mypy_check.py

# The Prometheus alert rules: syntax (promtool check) and their unit tests (which alert fires when),
# with Debian's prometheus package (promtool), installed where missing.
alerts-check:
	@command -v promtool >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null)
	cd deploy/prometheus && promtool check rules alerts.yml && promtool test rules alerts_test.yml

# Fonts the OCR benchmark renders its test set with (bench/ocr_bench.py names any that is missing).
bench-deps: system-deps
	@for f in fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai fonts-dejavu-core; do \
	  dpkg -s $$f >/dev/null 2>&1 || missing="$$missing $$f"; done; \
	  test -z "$$missing" || (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null)

bench: venv bench-deps
	$(PY) bench/run_cases.py

clean:
	rm -rf $(VENV) node_modules static/vendor var/staticfiles

# The production topology of issue #15 on loopback (docs/deployment.md, "Edge and application
# servers"): the database tier (deploy/cluster/db.sh) if present, else the machine's PostgreSQL
# (database yiwang_cluster); two application servers, two task workers, nginx on 127.0.0.1:8080.
cluster-up: venv messages assets
	deploy/cluster/cluster.sh up

cluster-down:
	deploy/cluster/cluster.sh down

cluster-status:
	deploy/cluster/cluster.sh status

# The nginx site (deploy/nginx/yiwang.conf.in) rendered both ways (loopback plain HTTP; TLS with a
# throwaway self-signed certificate) and checked by `nginx -t`; Debian's nginx installed where missing.
nginx-check:
	@command -v nginx >/dev/null || (apt-get install -y -qq nginx >/dev/null && (systemctl stop nginx; systemctl disable nginx) >/dev/null 2>&1 || true)
	@d=$$(mktemp -d) && trap 'rm -rf $$d' EXIT && mkdir -p $$d/tmp && \
	  openssl req -x509 -newkey rsa:2048 -nodes -keyout $$d/k.pem -out $$d/c.pem -days 1 -subj /CN=zwfw.example.gov.cn 2>/dev/null && \
	  printf 'pid %s/nginx.pid;\nerror_log %s/e.log;\nevents {}\nhttp { include /etc/nginx/mime.types; client_body_temp_path %s/tmp; include %s/site.conf; }\n' $$d $$d $$d $$d >$$d/nginx.conf && \
	  python3 deploy/nginx/render_site.py --upstream 127.0.0.1:8101 --upstream 127.0.0.1:8102 --static-root $$d --access-log $$d/a.log >$$d/site.conf && \
	  nginx -t -q -c $$d/nginx.conf && \
	  python3 deploy/nginx/render_site.py --upstream 127.0.0.1:8001 --server-name zwfw.example.gov.cn --tls-cert $$d/c.pem --tls-key $$d/k.pem --static-root $$d --access-log $$d/a.log >$$d/site.conf && \
	  nginx -t -q -c $$d/nginx.conf && echo "nginx site: both renderings pass nginx -t"
