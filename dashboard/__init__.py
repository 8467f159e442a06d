"""The events side of the project: live blogs in, a store of geoparsed entries, a map out."""
