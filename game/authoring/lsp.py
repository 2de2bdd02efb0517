"""`redline lsp`: the language server of the content format, over stdio (pygls).

Diagnostics come from the loader itself, as `redline check` gives them, for the content as the
editor holds it (unsaved buffers over the files on disk), a short while after typing stops.
Completion, hover, definition and references come from game/authoring/workspace.py.

A file belongs to the scenario folder above it that holds `[scenario]`; a file of a pack (no
scenario above it) is checked as a pack over the scenario named by the client's
`initializationOptions` (`{"scenario": "content/red-line"}`) or else the shipped one.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from game import paths
from game.authoring.workspace import ContentWorkspace, Span, Symbol, scenario_root
from game.loader import Problem

#: seconds without a change before the content is checked again
DEBOUNCE = 0.3

_KINDS = {
    "field": types.CompletionItemKind.Field, "table": types.CompletionItemKind.Module,
    "stat": types.CompletionItemKind.Variable, "counter": types.CompletionItemKind.Variable,
    "flag": types.CompletionItemKind.Variable, "date": types.CompletionItemKind.Constant,
    "calendar": types.CompletionItemKind.Constant, "function": types.CompletionItemKind.Function,
    "constant": types.CompletionItemKind.Constant, "event": types.CompletionItemKind.Event,
    "choice": types.CompletionItemKind.EnumMember, "advisor": types.CompletionItemKind.Reference,
    "ending": types.CompletionItemKind.Reference,
}


class ContentServer(LanguageServer):
    """The server: one ContentWorkspace per scenario folder (with its packs) the editor has files of."""

    def __init__(self) -> None:
        super().__init__("redline", "0.1.0", text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.workspaces: dict[tuple[Path, tuple[Path, ...]], ContentWorkspace] = {}
        self.scenario: Path | None = None
        self.packs: list[Path] = []
        self.pending: dict[int, asyncio.Task[None]] = {}
        self.published: dict[int, set[str]] = {}

    def workspace_of(self, path: Path) -> ContentWorkspace:
        """The content a file belongs to (made on first use)."""
        for workspace in self.workspaces.values():
            if workspace.owns(path):
                return workspace
        root = scenario_root(path)
        extra: tuple[Path, ...] = tuple(self.packs)
        if root is None:
            root = self.scenario or paths.scenario_folder(None)
            extra = (*extra, path.parent) if not any(p.resolve() in path.resolve().parents for p in extra) else extra
        key = (root.resolve(), tuple(p.resolve() for p in extra))
        if key not in self.workspaces:
            self.workspaces[key] = ContentWorkspace(root, extra)
        return self.workspaces[key]


server = ContentServer()


def _path(uri: str) -> Path:
    return Path(to_fs_path(uri) or uri)


def _range(at: Span) -> types.Range:
    return types.Range(types.Position(at.line - 1, at.col - 1), types.Position(at.line - 1, at.col - 1 + at.length))


def _location(at: Span) -> types.Location:
    return types.Location(uri=from_fs_path(str(at.file)) or str(at.file), range=_range(at))


def _diagnostic(problem: Problem, text: str) -> types.Diagnostic:
    line = max(problem.line, 1) - 1
    col = max(problem.col, 1) - 1
    lines = text.split("\n")
    rest = lines[line][col:] if line < len(lines) else ""
    length = len(rest.rstrip()) or 1
    severity = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}.get(
        problem.severity, types.DiagnosticSeverity.Information)
    return types.Diagnostic(range=types.Range(types.Position(line, col), types.Position(line, col + length)),
                            message=problem.message, severity=severity, source="redline")


def _file_of(problem: Problem) -> Path:
    path = Path(problem.file)
    return (path if path.is_absolute() else Path.cwd() / path).resolve()


async def _check_later(ls: ContentServer, workspace: ContentWorkspace, uri: str) -> None:
    await asyncio.sleep(DEBOUNCE)
    buffers = dict(workspace.buffers)
    report = await asyncio.to_thread(workspace.check, buffers)
    by_file: dict[str, list[types.Diagnostic]] = {}
    for problem in report.in_order():
        path = _file_of(problem)
        if path.is_dir() or (not path.exists() and path not in buffers):
            path = _path(uri)  # a problem of a whole folder is shown on the file being edited
        file_uri = from_fs_path(str(path)) or str(path)
        by_file.setdefault(file_uri, []).append(_diagnostic(problem, workspace.text_of(path)))
    previous = ls.published.get(id(workspace), set())
    for file_uri in previous - set(by_file):
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=file_uri, diagnostics=[]))
    for file_uri, diagnostics in by_file.items():
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=file_uri, diagnostics=diagnostics))
    if uri not in by_file:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls.published[id(workspace)] = set(by_file)


def _changed(ls: ContentServer, uri: str, text: str | None) -> None:
    path = _path(uri)
    workspace = ls.workspace_of(path)
    workspace.set_buffer(path, text)
    old = ls.pending.get(id(workspace))
    if old is not None:
        old.cancel()
    ls.pending[id(workspace)] = asyncio.get_running_loop().create_task(_check_later(ls, workspace, uri))


@server.feature(types.INITIALIZE)
def initialize(ls: ContentServer, params: types.InitializeParams) -> None:
    options: Any = params.initialization_options or {}
    root = Path(to_fs_path(params.root_uri) or ".") if params.root_uri else Path.cwd()
    if isinstance(options, dict):
        if isinstance(options.get("scenario"), str):
            ls.scenario = (root / options["scenario"]).resolve()
        if isinstance(options.get("content"), list):
            ls.packs = [(root / str(p)).resolve() for p in options["content"]]


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ContentServer, params: types.DidOpenTextDocumentParams) -> None:
    _changed(ls, params.text_document.uri, params.text_document.text)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: ContentServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    _changed(ls, params.text_document.uri, document.source)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: ContentServer, params: types.DidSaveTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    _changed(ls, params.text_document.uri, document.source)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: ContentServer, params: types.DidCloseTextDocumentParams) -> None:
    _changed(ls, params.text_document.uri, None)


@server.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=['"', "(", " ", "["]))
def completion(ls: ContentServer, params: types.CompletionParams) -> types.CompletionList:
    path = _path(params.text_document.uri)
    position = params.position
    found = ls.workspace_of(path).completions(path, position.line + 1, position.character + 1)
    items = [types.CompletionItem(label=label, kind=_KINDS.get(kind), detail=f"{kind} {detail}".strip(),
                                  documentation=detail or None) for label, kind, detail in found]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: ContentServer, params: types.HoverParams) -> types.Hover | None:
    path = _path(params.text_document.uri)
    text = ls.workspace_of(path).hover(path, params.position.line + 1, params.position.character + 1)
    if text is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


def _symbol_at(ls: ContentServer, uri: str, position: types.Position) -> tuple[ContentWorkspace, str, str] | None:
    path = _path(uri)
    workspace = ls.workspace_of(path)
    item = workspace.at(path, position.line + 1, position.character + 1)
    if item is None:
        return None
    kind = item.kind
    if isinstance(item, Symbol) and kind in ("stat", "flag", "counter", "date"):
        kind = "name"
    return workspace, kind, item.name


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: ContentServer, params: types.DefinitionParams) -> types.Location | None:
    found = _symbol_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    workspace, kind, name = found
    symbol = workspace.declaration(kind, name)
    return _location(symbol.at) if symbol is not None else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: ContentServer, params: types.ReferenceParams) -> list[types.Location]:
    found = _symbol_at(ls, params.text_document.uri, params.position)
    if found is None:
        return []
    workspace, kind, name = found
    places = [_location(use.at) for use in workspace.references(kind, name)]
    symbol = workspace.declaration(kind, name)
    if params.context.include_declaration and symbol is not None:
        places.insert(0, _location(symbol.at))
    return places


def serve() -> None:
    """Run the server over stdin and stdout until the editor closes it."""
    server.start_io()
