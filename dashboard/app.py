"""The dashboard: `streamlit run dashboard/app.py`."""

import sqlite3

import streamlit as st

from dashboard.settings import default_db_path

st.set_page_config(page_title="Live-blog map", layout="wide")
st.title("Live-blog map")
st.markdown(
    "Turns a live blog (timestamped entries about a fast-moving story) into a map you can scrub "
    "through time: every place an entry names, found and placed with an offline gazetteer."
)

db_path = default_db_path()
entries = 0
if db_path.exists():
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]

if entries:
    st.write(f"{entries} entries stored in `{db_path}`.")
else:
    st.info(
        f"No events stored yet in `{db_path}`. Ingest a live blog with:\n\n"
        "```\n.venv/bin/python -m dashboard ingest data/sample-liveblog.txt\n```"
    )
