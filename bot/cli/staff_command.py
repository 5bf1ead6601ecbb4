"""Staff accounts for the web console.

    python -m bot staff add NAME        create an account; the password is asked for
                                        (or read from the first line of stdin when piped)
    python -m bot staff password NAME   set a new password (also unlocks the account)
    python -m bot staff remove NAME     delete an account
    python -m bot staff list            the account names

Accounts live in the request database (BOT_DATABASE_URL, else var/requests.db),
passwords as argon2 hashes. Each change is written to the console's audit log.
"""

from __future__ import annotations

import getpass
import sys
from typing import Optional, Sequence, TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot.console.accounts import AccountError, StaffAccounts, check_name, check_password
from bot.console.audit import AuditLog

USAGE = __doc__


def read_password(stdin: TextIO, confirm: bool = True) -> str:
    if stdin.isatty():
        first = getpass.getpass("Password (10 characters or more): ")
        if confirm and getpass.getpass("Same password again: ") != first:
            raise AccountError("the two passwords differ")
        return first
    return stdin.readline().rstrip("\r\n")


def main(argv: Optional[Sequence[str]] = None, stdin: Optional[TextIO] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    stdin = stdin or sys.stdin
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    accounts, audit = StaffAccounts(), AuditLog()
    try:
        if command == "list" and not rest:
            names = accounts.names()
            print("\n".join(names) if names else "No staff accounts yet. Add one with: python -m bot staff add NAME")
            return 0
        if command in ("add", "password", "remove") and len(rest) == 1:
            name = check_name(rest[0])
            if command == "remove":
                if not accounts.remove(name):
                    print(f"There is no staff account called {name}.", file=sys.stderr)
                    return 1
                audit.record("(command line)", "staff_removed", name)
                print(f"Removed the staff account {name}.")
                return 0
            if command == "password" and not accounts.exists(name):
                print(f"There is no staff account called {name}.", file=sys.stderr)
                return 1
            password = check_password(read_password(stdin))
            if command == "add":
                accounts.add(name, password)
                audit.record("(command line)", "staff_added", name)
                print(f"Added the staff account {name}. Log in at the staff console (http://localhost:8081/).")
            else:
                accounts.set_password(name, password)
                audit.record("(command line)", "staff_password_set", name)
                print(f"Set a new password for {name}.")
            return 0
    except AccountError as exc:
        print(f"Not done: {exc}.", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"The staff database is unreachable ({type(exc).__name__}).", file=sys.stderr)
        return 2
    print(USAGE, file=sys.stderr)
    return 2
