#!/usr/bin/env python3
"""Render deploy/nginx/yiwang.conf.in for one edge host (standard library only).

    # a county's edge: TLS on 443, two application hosts
    python3 deploy/nginx/render_site.py --server-name zwfw.example.gov.cn \
        --upstream app1.internal:8001 --upstream app2.internal:8001 \
        --tls-cert /etc/ssl/yiwang/fullchain.pem --tls-key /etc/ssl/yiwang/privkey.pem \
        --static-root /srv/yiwang/var/staticfiles > /etc/nginx/conf.d/yiwang.conf
    nginx -t && systemctl reload nginx

Without --tls-cert the site listens on plain HTTP (--listen, e.g. the loopback topology's
127.0.0.1:8080; never on a public address). Every limit has its option; the defaults are the
figures measured in docs/benchmarks.md ("Production: load, overload and soak").
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("yiwang.conf.in")


def render(args: argparse.Namespace) -> str:
    upstreams = "\n".join(f"    server {u} max_fails=3 fail_timeout=10s;" for u in args.upstream)
    if args.tls_cert:
        listen = "    listen 443 ssl http2;"
        tls = (f"    ssl_certificate     {args.tls_cert};\n    ssl_certificate_key {args.tls_key};\n"
               "    ssl_protocols TLSv1.2 TLSv1.3;\n")
        redirect = (f"\nserver {{\n    listen 80;\n    server_name {args.server_name};\n"
                    "    return 301 https://$host$request_uri;\n}\n")
    else:
        listen = f"    listen {args.listen};"
        tls = ""
        redirect = ""
    values = {
        "UPSTREAM_SERVERS": upstreams, "LISTEN": listen, "TLS": tls, "REDIRECT_SERVER": redirect,
        "SERVER_NAME": args.server_name, "STATIC_ROOT": args.static_root.rstrip("/"),
        "ACCESS_LOG": args.access_log, "RATE_PER_IP": args.rate_per_ip, "RATE_TOTAL": args.rate_total,
        "BURST_PER_IP": str(args.burst_per_ip), "BURST_TOTAL": str(args.burst_total),
        "CONN_PER_IP": str(args.conn_per_ip), "CONN_TOTAL": str(args.conn_total),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    out = re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], text)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--upstream", action="append", required=True, help="host:port of an application server (repeat)")
    p.add_argument("--server-name", default="_")
    p.add_argument("--listen", default="127.0.0.1:8080", help="plain-HTTP listen address (without --tls-cert)")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--static-root", required=True, help="collectstatic's STATIC_ROOT on this host")
    p.add_argument("--access-log", default="/var/log/nginx/yiwang.access.log")
    p.add_argument("--rate-per-ip", default="100r/s")
    p.add_argument("--burst-per-ip", type=int, default=200)
    p.add_argument("--rate-total", default="120r/s", help="what the application servers behind answer well")
    p.add_argument("--burst-total", type=int, default=60)
    p.add_argument("--conn-per-ip", type=int, default=400)
    p.add_argument("--conn-total", type=int, default=4000)
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    sys.stdout.write(render(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
