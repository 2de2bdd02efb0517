"""`redline graph`: the story as a graph authors can render: events and their choices, the follow-ups
choices and outcomes schedule, the flags that gate events and endings, and the endings."""

from __future__ import annotations

from dataclasses import dataclass

from game.authoring.sites import sites
from game.content import Content
from game.expr import CHOSE_KEY, FIRED_KEY, ExprError, reads


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    shape: str  # "event", "choice", "action", "flag", "ending"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    dashed: bool = False


def story_graph(content: Content) -> tuple[list[Node], list[Edge]]:
    """The nodes and edges of a content's story, in the order of the content."""
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for ident, event in content.events.items():
        nodes[f"event:{ident}"] = Node(f"event:{ident}", f"{ident}: {event.model.title}", "event")
        for choice in event.model.choice:
            key = f"choice:{ident}.{choice.id}"
            nodes[key] = Node(key, f"{choice.id}: {choice.label}", "choice")
            edges.append(Edge(f"event:{ident}", key))
            for follow in choice.followups:
                edges.append(Edge(key, f"event:{follow.event}", _after(follow.after, follow.when)))
            for outcome in choice.outcome:
                for follow in outcome.followups:
                    edges.append(Edge(key, f"event:{follow.event}",
                                      f"{outcome.id}: {_after(follow.after, follow.when)}".rstrip(": ")))
    for ident, action in content.actions.items():
        key = f"action:{ident}"
        nodes[key] = Node(key, f"action {ident}: {action.model.label}", "action")
        for follow in action.model.followups:
            edges.append(Edge(key, f"event:{follow.event}", _after(follow.after, follow.when)))
        for outcome in action.model.outcome:
            for follow in outcome.followups:
                edges.append(Edge(key, f"event:{follow.event}",
                                  f"{outcome.id}: {_after(follow.after, follow.when)}".rstrip(": ")))
    for ending in content.endings:
        key = f"ending:{ending.model.id}"
        nodes[key] = Node(key, f"ending {ending.model.id}: {ending.model.title}", "ending")
    for site in sites(content):
        where = f"{site.kind}:{site.ident}"
        if site.kind == "rule":
            continue
        if site.role == "effect":
            target = site.target
            source = None
            if site.kind == "action":
                source = where
            elif site.path[0] == "choice":
                source = f"choice:{site.ident}.{content.events[site.ident].model.choice[int(site.path[1])].id}"
            if target in content.flags and source is not None:
                flag = f"flag:{target}"
                nodes.setdefault(flag, Node(flag, f"flag {target}", "flag"))
                value = site.value.strip()
                verb = "sets" if value == "true" else "clears" if value == "false" else "changes"
                edges.append(Edge(source, flag, verb, True))
            continue
        if site.path[0] not in ("trigger", "when"):
            continue
        try:
            read = reads(site.text, content.names)
        except ExprError:
            continue
        for name in sorted(read):
            if name in content.flags:
                flag = f"flag:{name}"
                nodes.setdefault(flag, Node(flag, f"flag {name}", "flag"))
                edges.append(Edge(flag, where, "gates", True))
        if FIRED_KEY in read or CHOSE_KEY in read:
            for other in content.events:
                if f'"{other}"' in site.text or f"'{other}'" in site.text:
                    edges.append(Edge(f"event:{other}", where, "fired/chose", True))
    return list(nodes.values()), _unique(edges)


def _unique(edges: list[Edge]) -> list[Edge]:
    return list(dict.fromkeys(edges))


def _after(after: int, when: str | None) -> str:
    text = "at once" if after == 0 else f"after {after}"
    return f"{text} if {when}" if when else text


def _id(key: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in key)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "#quot;")


_MERMAID_SHAPES = {"event": ('["', '"]'), "choice": ('(["', '"])'), "action": ('>"', '"]'), "flag": ('{{"', '"}}'),
                   "ending": ('[/"', '"/]')}


def mermaid(content: Content) -> str:
    """The graph as a Mermaid flowchart."""
    nodes, edges = story_graph(content)
    lines = ["flowchart LR"]
    for node in nodes:
        left, right = _MERMAID_SHAPES[node.shape]
        lines.append(f"  {_id(node.key)}{left}{_quoted(node.label)}{right}")
    for edge in edges:
        arrow = "-.->" if edge.dashed else "-->"
        label = f'|"{_quoted(edge.label)}"|' if edge.label else ""
        lines.append(f"  {_id(edge.source)} {arrow}{label} {_id(edge.target)}")
    return "\n".join(lines) + "\n"


_DOT_SHAPES = {"event": "box", "choice": "ellipse", "action": "parallelogram", "flag": "hexagon",
               "ending": "doubleoctagon"}


def dot(content: Content) -> str:
    """The graph in Graphviz's DOT language."""
    nodes, edges = story_graph(content)

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["digraph story {", "  rankdir=LR;"]
    for node in nodes:
        lines.append(f"  {q(node.key)} [label={q(node.label)}, shape={_DOT_SHAPES[node.shape]}];")
    for edge in edges:
        style = ", style=dashed" if edge.dashed else ""
        lines.append(f"  {q(edge.source)} -> {q(edge.target)} [label={q(edge.label)}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
