"""A small round-robin HTTP proxy, standing in for the load balancer in front of Rasa replicas.

Each request goes to the next backend in turn. The response carries an
`X-Served-By` header with the backend's index, and GET /_proxy/served lists
which backend took every request so far, so a test can prove the alternation.
Plain HTTP only (REST and the HTTP API); no websockets.

    python -m tests.live.scale.proxy --port 8000 --backend http://127.0.0.1:5005 --backend http://127.0.0.1:5006
"""

from __future__ import annotations

import argparse
import itertools
from typing import Dict, List

from aiohttp import ClientSession, ClientTimeout, web

SERVED_PATH = "/_proxy/served"
SERVED_BY_HEADER = "X-Served-By"
# Hop-by-hop headers belong to one connection and are never forwarded (RFC 9110 7.6.1).
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
BACKEND_TIMEOUT_SECONDS = 120


def forwardable(headers) -> Dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP}


def build_app(backends: List[str]) -> web.Application:
    turn = itertools.cycle(range(len(backends)))
    served: List[Dict] = []

    async def open_session(app: web.Application):
        app["session"] = ClientSession(timeout=ClientTimeout(total=BACKEND_TIMEOUT_SECONDS), auto_decompress=False)
        yield
        await app["session"].close()

    async def list_served(request: web.Request) -> web.Response:
        return web.json_response(served)

    async def forward(request: web.Request) -> web.Response:
        # Picked before any await, so concurrent requests still take strict turns.
        index = next(turn)
        served.append({"backend": index, "method": request.method, "path": request.path})
        body = await request.read()
        async with request.app["session"].request(
            request.method,
            backends[index] + request.rel_url.path_qs,
            headers=forwardable(request.headers),
            data=body or None,
            allow_redirects=False,
        ) as answer:
            payload = await answer.read()
            headers = forwardable(answer.headers)
            headers[SERVED_BY_HEADER] = str(index)
            return web.Response(status=answer.status, headers=headers, body=payload)

    app = web.Application(client_max_size=10 * 1024 * 1024)
    app.cleanup_ctx.append(open_session)
    app.router.add_get(SERVED_PATH, list_served)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main(argv: List[str] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", action="append", required=True, help="base URL; repeat for each server")
    args = parser.parse_args(argv)
    web.run_app(build_app([url.rstrip("/") for url in args.backend]), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
