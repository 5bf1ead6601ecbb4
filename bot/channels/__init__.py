"""Client channels: SMS over Twilio (bot.channels.sms) and the website chat
widget's socket.io channel (bot.channels.webchat). Importing has no side effects."""
