"""Following live pages as they are written: fetch (politely, and safely for the app), ingest, repeat.

`fetch` gets a page (conditional requests, User-Agent, timeout, size cap; the app's guard against
server-side request forgery); `poller` polls and ingests, for the command line's loop and the app's
background threads.
"""

from dashboard.follow.fetch import Fetcher, FetchError, Guard, Network, Page, UnsafeURLError, refusal
from dashboard.follow.poller import (
    BackgroundPoller,
    Follower,
    PollerRegistry,
    PollResult,
    follow,
    is_url,
    next_delay,
)

__all__ = ["BackgroundPoller", "FetchError", "Fetcher", "Follower", "Guard", "Network", "Page", "PollResult",
           "PollerRegistry", "UnsafeURLError", "follow", "is_url", "next_delay", "refusal"]
