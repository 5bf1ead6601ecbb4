"""Conversations as staff see them: read from Rasa's tracker store, acted on through
Rasa's token-protected HTTP API, and the small shared state (assistant switches,
human-only conversations, held messages, client feedback) that the channels consult.

The CLI (`python -m bot resume`) and the staff console (bot/console) both use these.
"""
