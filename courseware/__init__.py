"""Build-time side of the course: the MkDocs plugin, the Pyodide distribution and the local server."""
