"""A KoboToolbox and an ODK Central server in a thread, answering as their documentation shows.

Kobo API v2: `GET /api/v2/assets/{uid}/data/?format=json&limit=&start=` with `Authorization: Token …`, answered as
{count, next, previous, results}; `next` is the absolute URL of the following page, null on the last one.
ODK Central OData: `GET /v1/projects/{p}/forms/{f}.svc/Submissions?$top=&$skip=` with HTTP Basic authentication,
answered as {@odata.context, @odata.count, value, @odata.nextLink (absent on the last page)}.
A wrong token or password answers 401 with the body each server sends; an unknown form answers 404.
"""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


class FakeServers:
    def __init__(self):
        self.kobo_token = "kobo-secret-token"
        self.odk_user, self.odk_password = "field@example.org", "odk-secret-password"
        self.kobo_assets: dict[str, list[dict]] = {}
        self.odk_forms: dict[tuple[int, str], list[dict]] = {}
        self.requests: list[str] = []
        self.page_size: int | None = None  # forces small pages, to prove the clients follow the links
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):
        servers = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                servers.requests.append(self.path)
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                segments = parts.path.strip("/").split("/")
                if parts.path.startswith("/api/v2/assets/") and len(segments) == 5 and segments[4] == "data":
                    return self.kobo(segments[3], query)
                if parts.path.startswith("/v1/projects/") and parts.path.endswith(".svc/Submissions"):
                    return self.odk(int(segments[2]), segments[4].removesuffix(".svc"), query)
                return self._send(404, {"detail": "Not found."})

            def kobo(self, uid, query):
                if self.headers.get("Authorization") != f"Token {servers.kobo_token}":
                    return self._send(401, {"detail": "Invalid token."})
                if uid not in servers.kobo_assets:
                    return self._send(404, {"detail": "Not found."})
                rows = servers.kobo_assets[uid]
                start, limit = int(query.get("start", 0)), int(query.get("limit", 100))
                limit = min(limit, servers.page_size or limit)
                base = f"{servers.url}/api/v2/assets/{uid}/data/"

                def page_url(offset):
                    return f"{base}?{urlencode({'format': 'json', 'limit': limit, 'start': offset})}"

                return self._send(200, {
                    "count": len(rows),
                    "next": page_url(start + limit) if start + limit < len(rows) else None,
                    "previous": page_url(max(start - limit, 0)) if start > 0 else None,
                    "results": rows[start : start + limit],
                })  # fmt: skip

            def odk(self, project, form, query):
                expected = base64.b64encode(f"{servers.odk_user}:{servers.odk_password}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._send(401, {
                        "message": "Could not authenticate with the provided credentials.", "code": 401.2,
                    })  # fmt: skip
                if (project, form) not in servers.odk_forms:
                    return self._send(404, {"message": "Could not find the resource you were looking for.",
                                            "code": 404.1})  # fmt: skip
                rows = servers.odk_forms[(project, form)]
                skip, top = int(query.get("$skip", 0)), int(query.get("$top", 250))
                top = min(top, servers.page_size or top)
                base = f"{servers.url}/v1/projects/{project}/forms/{form}.svc"
                body = {
                    "@odata.context": f"{base}/$metadata#Submissions",
                    "@odata.count": len(rows),
                    "value": rows[skip : skip + top],
                }
                if skip + top < len(rows):
                    body["@odata.nextLink"] = f"{base}/Submissions?{urlencode({'$top': top, '$skip': skip + top})}"
                return self._send(200, body)

        return Handler
