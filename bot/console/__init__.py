"""The staff web console (`make run` serves it on http://localhost:8081/).

app.py builds the aiohttp application (its routes); pages/ holds the web handlers
(plumbing.py and one <page>_pages.py per page group); the other modules hold what
the pages show and do: accounts.py (staff logins), audit.py (who did what), inbox.py,
transcripts.py, review.py (the review queue and its training file), dashboard.py and charts.py.
Kept free of web imports here so the channels can import the packages it uses.
"""
