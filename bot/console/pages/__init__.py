"""The staff console's web layer: plumbing.py (settings, sessions, middlewares, helpers) and
one module per page group, named <page>_pages.py; bot/console/app.py maps routes to them."""
