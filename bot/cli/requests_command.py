"""Staff command line for booking, callback and change requests.

    python -m bot requests                 pending requests, as a table
    python -m bot requests --all           every request, handled ones too
    python -m bot requests --json          the same as a JSON array
    python -m bot requests show RB-7K3Q9   one request in full (note, transcript)
    python -m bot requests handle RB-7K3Q9 mark one handled
    python -m bot requests called-back RC-4MX8P    record that you called the client back
    python -m bot requests note RB-7K3Q9 "text"    set the staff note (the console shows it too)

Times are shown in the practice's time zone. Requests that waited in the spool
while the database was down are moved into it first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any, Dict, List, Optional, Sequence, TextIO

from bot.requests.models import BookingRequest, ChangeRequest, ClientRequest, normalize_reference, request_to_json
from bot.requests.store import RequestStore, StoreUnavailable

EXIT_OK = 0
EXIT_UNKNOWN_REFERENCE = 1
EXIT_UNAVAILABLE = 2

NOTE_WIDTH = 40
TABLE_COLUMNS = ("KIND", "REF", "CREATED", "NAME", "CONTACT", "WHEN", "NOTE / QUESTION", "PRENATAL")


def practice_timezone() -> dt.tzinfo:
    """The practice's zone from its profile; the machine's own if the profile can't be read."""
    try:
        from bot.practice.profile import current_profile

        return current_profile().timezone
    except Exception as exc:  # a broken profile must not lock staff out of requests
        local = dt.datetime.now().astimezone().tzinfo
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"note: practice profile unreadable ({reason}); showing times in {local}", file=sys.stderr)
        return local


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot requests",
        description="List booking and callback requests, and mark them handled.",
    )
    parser.add_argument("--all", action="store_true", help="include handled requests")
    parser.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    parser.add_argument("--kind", choices=("booking", "callback", "change"), help="only this kind of request")
    commands = parser.add_subparsers(dest="command", metavar="{handle,show,called-back,note}")
    handle = commands.add_parser("handle", help="mark a request handled")
    handle.add_argument("reference", help="e.g. RB-7K3Q9")
    show = commands.add_parser("show", help="print one request in full")
    show.add_argument("reference", help="e.g. RC-4MX8P")
    called = commands.add_parser("called-back", help="record that staff called the client back")
    called.add_argument("reference", help="e.g. RC-4MX8P")
    note = commands.add_parser("note", help="set the staff note (an empty text clears it)")
    note.add_argument("reference", help="e.g. RB-7K3Q9")
    note.add_argument("text", help="the note, in quotes")
    return parser


# -- formatting ------------------------------------------------------------------


def _local(moment: Optional[dt.datetime], tz: dt.tzinfo, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(tz).strftime(pattern) if moment else ""


def _one_line(text: str, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _contact(request: ClientRequest) -> str:
    return ", ".join(part for part in (request.phone, getattr(request, "email", None)) if part)


def _when(request: ClientRequest, tz: dt.tzinfo) -> str:
    if isinstance(request, (BookingRequest, ChangeRequest)):
        if request.requested_start:
            return _local(request.requested_start, tz, "%a %Y-%m-%d %H:%M")
        return request.requested_text
    return request.best_time


def _note(request: ClientRequest) -> str:
    if isinstance(request, ChangeRequest):
        # "move RB-7K3Q9: can we do Friday instead": what to do, to which booking, in their words.
        return f"{request.change_kind} {request.about_reference}" + (f": {request.note}" if request.note else "")
    if isinstance(request, BookingRequest):
        parts = []
        if request.needs_clearance:
            parts.append("NEEDS CLEARANCE")  # the reason is in `show`
        if request.service_key:
            parts.append(request.service_key)
        if request.include_glutes is not None:
            parts.append("glutes: yes" if request.include_glutes else "glutes: no")
        if request.note:
            parts.append(request.note)
        return "; ".join(parts)
    return request.question


def _prenatal(request: ClientRequest) -> str:
    if isinstance(request, BookingRequest):
        return "YES" if request.prenatal_flag else "no"
    return "-"


def table_rows(requests: Sequence[ClientRequest], tz: dt.tzinfo) -> List[List[str]]:
    rows = []
    for request in requests:
        kind = request.kind if request.status == "pending" else f"{request.kind} (handled)"
        rows.append(
            [
                kind,
                request.reference,
                _local(request.created_at, tz),
                _one_line(request.name, 24),
                _one_line(_contact(request), 36),
                _one_line(_when(request, tz), 24),
                _one_line(_note(request), NOTE_WIDTH),
                _prenatal(request),
            ]
        )
    return rows


def render_table(requests: Sequence[ClientRequest], tz: dt.tzinfo) -> str:
    rows = [list(TABLE_COLUMNS)] + table_rows(requests, tz)
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def request_as_json(request: ClientRequest, tz: dt.tzinfo) -> Dict[str, Any]:
    """All fields; datetimes as ISO 8601 with the practice's UTC offset."""
    data = request_to_json(request)
    for key in ("created_at", "handled_at", "requested_start", "called_back_at"):
        value = getattr(request, key, None)
        if key in data:
            data[key] = value.astimezone(tz).isoformat() if value else None
    return data


def render_details(request: ClientRequest, tz: dt.tzinfo) -> str:
    data = request_as_json(request, tz)
    width = max(len(key) for key in data)
    lines = []
    for key, value in data.items():
        if key == "transcript":
            continue
        shown = "" if value is None else value
        lines.append(f"{key.ljust(width)}  {shown}")
    transcript = getattr(request, "transcript", "")
    if transcript:
        lines += ["", "transcript:", transcript.rstrip()]
    return "\n".join(lines)


# -- commands --------------------------------------------------------------------


def _list(store: RequestStore, args: argparse.Namespace, tz: dt.tzinfo, out: TextIO) -> int:
    status = "all" if args.all else "pending"
    requests = store.list_requests(status=status, kind=args.kind)
    if args.json:
        json.dump([request_as_json(r, tz) for r in requests], out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    if not requests:
        out.write("No pending requests.\n" if status == "pending" else "No requests yet.\n")
        return EXIT_OK
    out.write(render_table(requests, tz) + "\n")
    noun = "request" if len(requests) == 1 else "requests"
    label = "pending " if status == "pending" else ""
    out.write(f"\n{len(requests)} {label}{noun}. Mark one done with: python -m bot requests handle REF\n")
    return EXIT_OK


def _show(store: RequestStore, reference: str, tz: dt.tzinfo, out: TextIO) -> int:
    request = store.get(reference)
    if request is None:
        print(f"No request with reference {normalize_reference(reference)}.", file=sys.stderr)
        return EXIT_UNKNOWN_REFERENCE
    out.write(render_details(request, tz) + "\n")
    return EXIT_OK


def _handle(store: RequestStore, reference: str, tz: dt.tzinfo, out: TextIO) -> int:
    reference = normalize_reference(reference)
    request = store.get(reference)
    if request is None:
        print(
            f"No request with reference {reference}. Check the code, or list them with: python -m bot requests --all",
            file=sys.stderr,
        )
        return EXIT_UNKNOWN_REFERENCE
    if request.status == "handled":
        when = _local(request.handled_at, tz)
        out.write(f"{reference} ({request.name}) was already marked handled on {when}.\n")
        return EXIT_OK
    store.mark_handled(reference)
    out.write(f"Marked {reference} ({request.kind} for {request.name}) as handled.\n")
    return EXIT_OK


def _called_back(store: RequestStore, reference: str, tz: dt.tzinfo, out: TextIO) -> int:
    reference = normalize_reference(reference)
    request = store.get(reference)
    if request is None:
        print(f"No request with reference {reference}.", file=sys.stderr)
        return EXIT_UNKNOWN_REFERENCE
    if request.called_back_at:
        out.write(
            f"{reference} ({request.name}) was already marked called back on {_local(request.called_back_at, tz)}.\n"
        )
        return EXIT_OK
    store.mark_called_back(reference)
    out.write(f"Marked {reference} ({request.name}) as called back.\n")
    return EXIT_OK


def _set_note(store: RequestStore, reference: str, text: str, out: TextIO) -> int:
    reference = normalize_reference(reference)
    try:
        found = store.set_staff_note(reference, text.strip())
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNKNOWN_REFERENCE
    if not found:
        print(f"No request with reference {reference}.", file=sys.stderr)
        return EXIT_UNKNOWN_REFERENCE
    out.write(f"Saved the note on {reference}.\n" if text.strip() else f"Cleared the note on {reference}.\n")
    return EXIT_OK


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the staff command with the arguments after "requests"; returns the exit code."""
    parser = _build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:  # --help or a usage error: argparse has printed why
        return int(exit_.code or 0)

    out = sys.stdout
    tz = practice_timezone()
    store = RequestStore()
    try:
        try:
            moved = store.flush_spool()
            if moved:
                print(f"Moved {moved} waiting request(s) from the spool into the database.", file=sys.stderr)
            for bad in store.problem_files():
                print(f"warning: {bad} could not be stored; please open it and enter it by hand.", file=sys.stderr)
            if args.command == "handle":
                return _handle(store, args.reference, tz, out)
            if args.command == "show":
                return _show(store, args.reference, tz, out)
            if args.command == "called-back":
                return _called_back(store, args.reference, tz, out)
            if args.command == "note":
                return _set_note(store, args.reference, args.text, out)
            return _list(store, args, tz, out)
        except StoreUnavailable as exc:
            print(f"The request database is unreachable ({exc}).", file=sys.stderr)
            waiting = store.spooled_requests()
            if waiting:
                print(f"{len(waiting)} request(s) are safe in {store.spool_dir} until it is back:", file=sys.stderr)
                if args.command is None and not args.json:
                    out.write(render_table(waiting, tz) + "\n")
            return EXIT_UNAVAILABLE
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
