"""Who may do what in identity, and the level an applicant has reached: one home for each rule
(services, selectors, views and the cases app all ask here)."""

from __future__ import annotations

from yiwang.core.models import Applicant, Department, RealNameLevel, Role
from yiwang.core.users import User

# ``identity.selectors.applicant_of`` reads a user's applicant together with its level, in one
# statement, and leaves the level on the object under this name: the first ``level_of`` of that
# object takes it (read from the database in this request) and removes it, so every later call reads
# the database again, as below.
LEVEL_READ_WITH_APPLICANT = "real_name_level_read"
_UNREAD = object()


def level_of(applicant: Applicant | None) -> int:
    """The applicant's real-name level; an applicant no account registered (a walk-in) has none."""
    if applicant is None or applicant.pk is None:
        return RealNameLevel.NONE
    read = applicant.__dict__.pop(LEVEL_READ_WITH_APPLICANT, _UNREAD)
    if read is not _UNREAD:
        return int(read) if read is not None else RealNameLevel.NONE
    from yiwang.identity.models import RealName

    # read from the database each time: a level raised a moment ago by another function (or
    # process) counts at once, whatever an Applicant object in memory has cached
    level = RealName.objects.filter(applicant_id=applicant.pk).values_list("level", flat=True).first()
    return int(level) if level is not None else RealNameLevel.NONE


def is_window_clerk(user: User) -> Department | None:
    """The service centre in which ``user`` is a window clerk (综合窗口), or None."""
    if not user.is_authenticated:
        return None
    from yiwang.core.models import StaffRole

    role = (StaffRole.objects.filter(user=user, role=Role.CLERK, department__is_service_centre=True)
            .select_related("department").first())
    return role.department if role else None
