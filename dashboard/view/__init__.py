"""What the app shows, as plain Python: windows, filters, playback, the map's data, the panel's HTML.

Nothing here imports Streamlit or folium (a test reads the imports); `dashboard.ui` draws it.
"""
