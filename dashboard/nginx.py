"""The nginx configuration `serve --workers N` prints: one public address in front of N dashboard workers.

One Streamlit process runs its scripts on one core, so more cores need more processes, and a reader
must stay on one of them: Streamlit keeps a session (its widgets, the upload in progress, the files
its download buttons serve) in the memory of the process whose websocket the page holds, and a page
that reconnects after a network blip asks for its session back by id. Open-source nginx has no
`sticky` directive; two stand-ins:

- `ip_hash` keys on the reader's address (the first three parts of an IPv4 address): a newsroom behind
  one NAT, or every reader of a proxy, lands on one worker, and a phone that moves from Wi-Fi to mobile
  data changes worker mid-session.
- A cookie nginx sets itself (what this file does): the first request of a browser has no cookie, so
  it is hashed by its random `$request_id`, and the response sets `lbm_worker` to that same id; every
  later request of that browser (the websocket, its reconnects, uploads, downloads) carries the cookie
  and is hashed to the same worker. `hash ... consistent` moves only the readers of a worker that is
  added or removed. A browser that refuses cookies is spread like `$request_id`: each reload may land
  on another worker (the page then starts a new session, as it would after a server restart).

The same server block adds the security headers (Content-Security-Policy, X-Frame-Options and
frame-ancestors, X-Content-Type-Options, Referrer-Policy) and keeps `/_stcore/metrics`, which Streamlit
cannot turn off, from the outside. The configuration goes in nginx's `http` block (a file in
`/etc/nginx/conf.d/`); TLS, names and access rules are the operator's (the README says how).
"""

from __future__ import annotations

from collections.abc import Sequence

from dashboard import settings

# The cookie that keeps a browser on one worker.
STICKY_COOKIE = "lbm_worker"
UPSTREAM = "liveblog_map"

# What the page may load, checked in Chromium through this configuration (tests/test_nginx.py). Streamlit
# sets styles inline (its CSS-in-JS) and compiles WebAssembly (its protobuf decoder); its components (the
# map) are same-origin iframes with inline scripts; streamlit-folium `eval`s the map layer the server sends:
# so 'unsafe-inline' and 'unsafe-eval' ('wasm-unsafe-eval' alone leaves the map blank). What the policy
# still holds: scripts, styles, fonts and frames only from this site, requests (fetch, websockets) only
# to it, no plugins, no <base> or form posts elsewhere, and no framing by other sites. Base-map tiles come
# from whichever https tile server the operator names (img-src https:).
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
))
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("X-Content-Type-Options", "nosniff"),
    # Tile servers (OpenStreetMap's usage policy asks for a Referer) get the site's origin, never the
    # view in the page's address.
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
# The upload cap plus room for the form's envelope: a file Streamlit accepts is never cut off by nginx.
BODY_LIMIT_MB = settings.MAX_INPUT_BYTES // 2**20 + 1


# Addresses a server binds to mean "every interface"; nginx cannot connect to them.
_EVERY_INTERFACE = {"", "0.0.0.0", "::", "[::]"}


def upstream_address(address: str) -> str:
    """Where nginx, on the same machine, reaches a worker bound to `address`: a worker bound to every
    interface (`--address 0.0.0.0`) is reached on loopback."""
    return "127.0.0.1" if address.strip() in _EVERY_INTERFACE else address


def nginx_config(ports: Sequence[int], *, address: str = "127.0.0.1", listen: str = "8080",
                 server_name: str = "_") -> str:
    """The configuration (for nginx's `http` block) that serves the workers at `address:ports` on `listen`."""
    if not ports:
        raise ValueError("no worker ports")
    servers = "\n".join(f"    server {upstream_address(address)}:{port};" for port in ports)
    headers = "\n".join(f'    add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS)
    proxied = (f"        proxy_pass http://{UPSTREAM};\n"
               "        proxy_http_version 1.1;\n"
               "        proxy_set_header Host $http_host;  # Streamlit accepts a websocket whose Origin is this host\n"
               "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
               "        proxy_set_header X-Forwarded-Proto $scheme;")
    return f"""# liveblog-map: {len(ports)} dashboard worker(s) behind nginx (written by `liveblog-map serve`).
# For nginx's http block: /etc/nginx/conf.d/liveblog-map.conf, then `nginx -t && systemctl reload nginx`.

# A browser keeps its worker: the {STICKY_COOKIE} cookie names it; the first request (no cookie yet) is
# hashed by its own request id, which becomes the cookie.
map $cookie_{STICKY_COOKIE} $lbm_sticky {{
    ""      $request_id;
    default $cookie_{STICKY_COOKIE};
}}
map $cookie_{STICKY_COOKIE} $lbm_set_cookie {{
    ""      "{STICKY_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
    default "";
}}
# A websocket asks to upgrade its connection; everything else closes as usual.
map $http_upgrade $lbm_connection {{
    default upgrade;
    ""      close;
}}

upstream {UPSTREAM} {{
    hash $lbm_sticky consistent;
{servers}
}}

server {{
    listen {listen};
    server_name {server_name};
    client_max_body_size {BODY_LIMIT_MB}m;
    server_tokens off;

    add_header Set-Cookie $lbm_set_cookie always;  # an empty value adds no header
{headers}

    # Session and cache counts, for the server's own monitoring only (curl it on the worker's port).
    location ^~ /_stcore/metrics {{
        return 404;
    }}

    # The page's websocket: held open as long as the page is (a reader may leave it open all day).
    location ^~ /_stcore/stream {{
{proxied}
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $lbm_connection;
        proxy_read_timeout 1d;
        proxy_send_timeout 1d;
    }}

    location / {{
{proxied}
    }}
}}
"""
