"""The pilot's KPIs measured from the platform's own data: rollups, the dashboard, drill-down, exports."""
