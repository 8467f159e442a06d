"""Where the gazetteer's places come from. Each source yields `Place` records with alternate names.

- `packages`: what installed PyPI packages hold (GeoNames cities, countries, continents, regions
  derived from the city lists, airports).
- `geonames`: GeoNames dump files in their own column layout, which our curated file also uses.
"""
