"""Tools for authors beyond loading: static warnings, the event graph, quicktest and the language server."""
