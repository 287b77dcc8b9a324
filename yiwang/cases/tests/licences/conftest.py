"""Licences issued, reused and acted on by cases: the licence tests' small library as a fixture here too."""

from yiwang.licenses.tests.conftest import library  # noqa: F401
