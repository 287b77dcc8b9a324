"""The type of an account: the one name every module annotates a signed-in person (an actor, a
recipient, an owner) with.

The project keeps Django's own account model (``AUTH_USER_MODEL`` is not set, so it is
``auth.User``), and django-stubs types every foreign key to it as that class. Annotating an actor as
``AbstractBaseUser`` would hide what the foreign keys and ``is_superuser``/``has_perm`` need; should
the project ever swap the account model, this module is the one place that changes.
"""

from __future__ import annotations

from django.contrib.auth.models import User

__all__ = ["User"]
