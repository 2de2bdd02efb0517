"""`redline lsp`, driven by pygls' own client as an editor would: diagnostics as `redline check` gives
them for unsaved text, completion of fields and names, hover, definition and references."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the language server is an optional extra: pip install '.[lsp]'")

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from game.authoring.workspace import ContentWorkspace, field_docs
from game.loader import check_scenario
from game.model import Choice

EVENTS = "events/main.toml"


class Editor:
    """A client that keeps what the server published."""

    def __init__(self) -> None:
        self.client = LanguageClient("test-editor", "1")
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.arrived = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = list(params.diagnostics)
            self.arrived.set()

    async def diagnostics_of(self, uri: str, check: Any = None) -> list[types.Diagnostic]:
        """The diagnostics of a file, once the server has published ones that pass `check`."""
        for _ in range(200):
            found = self.published.get(uri)
            if found is not None and (check is None or check(found)):
                return found
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), 0.2)
            except TimeoutError:
                continue
        raise AssertionError(f"no diagnostics for {uri}: {self.published.get(uri)}")

    def open(self, path: Path, text: str) -> str:
        uri = from_fs_path(str(path)) or str(path)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="toml", version=1, text=text)))
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


@pytest.fixture
async def editor(mini_copy: Path) -> AsyncIterator[Editor]:
    made = Editor()
    await made.client.start_io(sys.executable, "-m", "game", "lsp")
    await made.client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=from_fs_path(str(mini_copy))))
    made.client.initialized(types.InitializedParams())
    yield made
    await made.client.shutdown_async(None)
    made.client.exit(None)
    await made.client.stop()  # type: ignore[no-untyped-call]


def _place(d: types.Diagnostic) -> tuple[int, int, str]:
    return (d.range.start.line + 1, d.range.start.character + 1, d.message)


async def test_diagnostics_as_you_type_are_those_of_check(editor: Editor, mini_copy: Path, tmp_path: Path) -> None:
    path = mini_copy / EVENTS
    sound = path.read_text()
    broken = sound.replace('trigger = "turn == 1"', 'trigger = "trun == 1"')
    broken = broken.replace("cooldown = 1\n", 'cooldown = "1"\n')
    uri = editor.open(path, broken)  # typed, not saved: the file on disk is still sound
    found = await editor.diagnostics_of(uri, lambda ds: any("trun" in d.message for d in ds))
    saved = tmp_path / "saved"
    import shutil

    shutil.copytree(mini_copy, saved)
    (saved / EVENTS).write_text(broken)
    expected = [(p.line, p.col, p.message) for p in check_scenario(saved).problems]
    assert [_place(d) for d in found] == expected
    assert found[0].severity == types.DiagnosticSeverity.Error
    editor.change(uri, sound, 2)
    await editor.diagnostics_of(uri, lambda ds: not any(d.severity == types.DiagnosticSeverity.Error for d in ds))
    assert path.read_text() == sound  # nothing written


async def test_completion_of_names_in_an_expression_and_of_fields(editor: Editor, mini_copy: Path) -> None:
    path = mini_copy / EVENTS
    text = path.read_text()
    uri = editor.open(path, text)
    line = text.split("\n").index('trigger = "turn == 1"')
    result = await editor.client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, len('trigger = "'))))
    labels = {item.label for item in (result.items if isinstance(result, types.CompletionList) else result or [])}
    assert {"tension", "warned", "strikes", "days_to_election", "turn", "fired", "chose"} <= labels
    line = text.split("\n").index('  label = "Wait"')
    result = await editor.client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, 2)))
    items = result.items if isinstance(result, types.CompletionList) else result or []
    assert {"visible_if", "available_if", "posture", "outcome"} <= {item.label for item in items}


async def test_hover_definition_and_references(editor: Editor, mini_copy: Path) -> None:
    path = mini_copy / EVENTS
    text = path.read_text()
    lines = text.split("\n")
    uri = editor.open(path, text)
    doc = types.TextDocumentIdentifier(uri=uri)
    effect = next(i for i, line in enumerate(lines) if '"tension += 10"' in line)
    at = types.Position(effect, lines[effect].index("tension") + 2)
    hover = await editor.client.text_document_hover_async(types.HoverParams(text_document=doc, position=at))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    shown = hover.contents.value
    assert "stat" in shown and "0..100" in shown and "scenario.toml:" in shown
    follow = next(i for i, line in enumerate(lines) if 'event = "reply"' in line)
    at = types.Position(follow, lines[follow].index('"reply"') + 2)
    found = await editor.client.text_document_definition_async(types.DefinitionParams(text_document=doc, position=at))
    assert isinstance(found, types.Location)
    assert found.range.start.line == lines.index('id = "reply"') and found.uri == uri
    counsel = next(i for i, line in enumerate(lines) if 'advisor = "hawk"' in line)
    at = types.Position(counsel, lines[counsel].index('"hawk"') + 2)
    refs = await editor.client.text_document_references_async(types.ReferenceParams(
        text_document=doc, position=at, context=types.ReferenceContext(include_declaration=True)))
    assert refs is not None and refs[0].uri.endswith("scenario.toml") and len(refs) == 2


def test_the_workspace_keeps_a_files_names_while_it_does_not_parse(mini_copy: Path) -> None:
    workspace = ContentWorkspace(mini_copy)
    path = mini_copy / EVENTS
    assert workspace.declaration("event", "reply") is not None
    workspace.set_buffer(path, path.read_text() + "\n[[event]\n")
    assert workspace.declaration("event", "reply") is not None
    assert "unknown name" not in " ".join(p.message for p in workspace.check().problems)


def test_completion_of_choices_inside_chose(mini_copy: Path) -> None:
    workspace = ContentWorkspace(mini_copy)
    path = mini_copy / EVENTS
    text = path.read_text().replace('trigger = "turn == 1"', 'trigger = "chose(\\"opening\\", \\"')
    workspace.set_buffer(path, text)
    line = next(i for i, line in enumerate(text.split("\n"), start=1) if line.startswith('trigger = "chose('))
    found = workspace.completions(path, line, len(text.split("\n")[line - 1]) + 1)
    assert {label for label, _kind, _detail in found} == {"warn", "wait", "strike"}


def test_field_documentation_comes_from_the_format() -> None:
    assert field_docs(Choice)["text"].startswith("What happens, shown after the choice")


def test_a_named_passage_is_completed_found_and_its_uses_listed(mini_copy: Path) -> None:
    """`{ passage = "` completes the passages' ids; a use leads to the [[passage]] that declares it."""
    scenario = mini_copy / "scenario.toml"
    text = scenario.read_text().replace('epilogue = "It calmed down."',
                                        'epilogue = ["It calmed down.", { passage = "recap" }]')
    text += '\n[[passage]]\nid = "recap"\ndescription = "What the player did."\ntext = "You were there."\n'
    scenario.write_text(text)
    workspace = ContentWorkspace(mini_copy)
    assert not workspace.check().problems
    typing = text.replace('{ passage = "recap" }]', '{ passage = "')
    workspace.set_buffer(scenario, typing)
    line = next(i for i, row in enumerate(typing.split("\n"), start=1) if '{ passage = "' in row)
    found = workspace.completions(scenario, line, len(typing.split("\n")[line - 1]) + 1)
    assert ("recap", "passage", "What the player did.") in found
    workspace.set_buffer(scenario, text)
    declared = workspace.declaration("passage", "recap")
    assert declared is not None and declared.at.line == text.split("\n").index('id = "recap"') + 1
    [use] = workspace.references("passage", "recap")
    assert use.at.line == next(i for i, row in enumerate(text.split("\n"), start=1) if '{ passage = "recap" }' in row)
