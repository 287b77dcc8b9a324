"""The management platform: the pilot as a programme (phases, milestones, tasks, Gantt, warnings, budget, weekly reports)."""
