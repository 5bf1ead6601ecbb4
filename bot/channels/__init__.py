"""Client channels: REST (bot.channels.rest), SMS over Twilio (bot.channels.sms) and
the website chat widget's socket.io channel (bot.channels.webchat).

All three share one guard (bot.channels.guard): the input screen (screen), the
per-sender rate limit (ratelimit), and never-silent replies that explain an action
server outage (outage), worded in one place (notices). Importing has no side effects.
"""
