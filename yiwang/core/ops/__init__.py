"""Production operations: health and readiness probes, Prometheus metrics, request ids in JSON
logs, and admission control (docs/deployment.md, "Monitoring and overload")."""
