"""Every scripted conversation, grouped by the kind of client (one module each)."""

from tests.live.conversations.scripts import (
    bad_input,
    callbacks,
    cancelling,
    closed_times,
    corrections,
    days_times,
    fallback,
    first_timers,
    interruptions,
    long_notes,
    names,
    off_topic,
    pregnant,
    safety,
    sessions,
    sms_shorthand,
    two_clients,
    typos,
)

MODULES = (
    first_timers,
    names,
    days_times,
    sessions,
    pregnant,
    sms_shorthand,
    typos,
    corrections,
    interruptions,
    long_notes,
    cancelling,
    closed_times,
    fallback,
    off_topic,
    bad_input,
    callbacks,
    safety,
    two_clients,
)
ALL = [conversation for module in MODULES for conversation in module.CONVERSATIONS]

_ids = [c.id for c in ALL]
if len(set(_ids)) != len(_ids):
    raise ValueError(f"conversation ids repeat: {sorted({i for i in _ids if _ids.count(i) > 1})}")
