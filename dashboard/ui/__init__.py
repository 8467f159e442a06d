"""The app's Streamlit widgets and folium map: the only modules (with `dashboard/app.py`) that import them.

Session-state keys and URL parameters are all in `dashboard.ui.keys`.
"""
