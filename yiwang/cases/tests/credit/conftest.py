"""Joint rules (联合奖惩) acting on cases: the credit tests' fixtures here too."""

from yiwang.credit.tests.conftest import food_item, joint_rules  # noqa: F401
