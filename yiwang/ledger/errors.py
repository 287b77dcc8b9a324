"""Error codes of the ``ledger`` app."""

from __future__ import annotations


class LedgerErrorCode:
    ENTRY_NOT_FOUND = "ledger_entry_not_found"
    NO_TREE_HEAD = "ledger_no_tree_head"
    TREE_SIZE_INVALID = "ledger_tree_size_invalid"
    ENTRY_NOT_IN_TREE = "ledger_entry_not_in_tree"
    PAYLOAD_INVALID = "ledger_payload_invalid"
    NO_VERIFICATION = "ledger_no_verification"
    WITNESS_REFUSED = "ledger_witness_refused"
