"""The situation room: the brief, the counsel, the choices, the dashboard and the timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from game.debrief import meter_series, timeline
from game.engine import Decision
from game.stakes import Warning
from game.tui.widgets.choices import ChoiceList
from game.tui.widgets.counsel import CounselLine, CounselPanel
from game.tui.widgets.dashboard import Dashboard, Meter
from game.tui.widgets.footer import KeyFooter
from game.tui.widgets.paging import page_down
from game.tui.widgets.prose import Prose
from game.tui.widgets.status import StatusBar
from game.tui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from game.tui.app import RedLineApp

HYPOTHETICAL_MARK = "◇ hypothetical"
#: the narrowest terminal that has room for the dashboard and the timeline side by side
WIDE = 96
COUNSEL_HEADING = Content.assemble("Counsel", ("  e: every argument in full", "dim not bold"))


class SituationRoom(Screen[None]):
    """The main screen: one decision at a time.

    Below 96 columns the dashboard takes the whole side column and `t` swaps it for the timeline.
    `d` folds the side column away (and back), so that the brief has the whole width; the settings
    remember it.
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]  # noqa: RUF012 - typed by Textual
    AUTO_FOCUS = "#choices"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(1)", "Choose", key_display="1-9", id="choose_1"),
        *(Binding(str(n), f"choose({n})", f"Choose {n}", show=False, id=f"choose_{n}") for n in range(2, 10)),
        Binding("space", "read_on", "Read on", id="read_on"),
        # the counsel's heading says what e does; the footer keeps its room for the keys said nowhere else
        Binding("e", "expand_counsel", "Counsel", show=False, id="expand_counsel"),
        Binding("d", "toggle_dashboard", "Dashboard", id="toggle_dashboard"),
        # (the footer is full at 80 columns: the choices' border says `a` opens the actions)
        Binding("a", "actions", "Actions", show=False, id="open_actions"),
        # the footer has room for few keys at 80 columns; these are listed in the help
        Binding("b", "focus_pane('brief')", "Brief", show=False, id="focus_brief"),
        Binding("c", "focus_pane('choices')", "Choices", show=False, id="focus_choices"),
        Binding("m", "focus_pane('dashboard')", "Meters", show=False, id="focus_meters"),
        Binding("t", "focus_pane('timeline')", "Timeline", show=False, id="focus_timeline"),
        Binding("o", "app.consult_analyst", "Odds", id="analyst"),
        Binding("O", "app.toggle_analyst", "Analyst on/off", show=False, id="analyst_switch"),
        Binding("l", "toggle_leanings", "Leanings", show=False, id="toggle_leanings"),
    ]

    def __init__(self) -> None:
        super().__init__()
        # Textual gives the width class at the first resize, and restyles the whole screen for it;
        # given now for the terminal as it is, that resize has nothing to change
        self.add_class("-wide" if self.app.size.width >= WIDE else "-narrow", update=False)
        self.set_class(self.game.settings.dashboard_folded(self.app.size.width), "-folded", update=False)
        #: the meters near a danger zone at this decision
        self.warnings: tuple[Warning, ...] = ()
        #: whether the counsel is shown in full at each decision (e), or as a line per advisor
        self.counsel_in_full = False
        #: the notes under the last outcome, folded into one line under the next if they come again
        self.notes_read: frozenset[str] = frozenset()

    @property
    def game(self) -> RedLineApp:
        return cast("RedLineApp", self.app)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="room"):
            with Vertical(id="desk"):
                with VerticalScroll(id="brief"):
                    yield Static(id="event-title")
                    yield Prose(id="brief-text")
                    yield Static(id="source")
                    yield Static(COUNSEL_HEADING, classes="section", id="counsel-heading")
                    yield CounselPanel(id="counsel")
                yield ChoiceList(id="choices")
            with Vertical(id="side"):
                with VerticalScroll(id="dashboard"):
                    yield Dashboard(id="meters")
                yield Timeline(id="timeline")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#brief").border_title = "Brief"
        self.query_one("#choices").border_title = "Your recommendation"
        if self.game.content.actions:
            self.query_one("#choices").border_subtitle = "a: actions of your own"
        self.query_one("#dashboard").border_title = "Dashboard"
        self.query_one("#timeline").border_title = "Timeline"
        self.show_decision()

    def show_decision(self) -> None:
        """Show the question in front of the player now."""
        decision = self.game.decision
        if decision is None:
            return
        engine = self.game.engine
        state = self.game.state
        assert state is not None
        event = decision.event
        title = Content.styled(event.title, "bold")
        if event.hypothetical:
            title = Content.assemble(title, "  ", (HYPOTHETICAL_MARK, "italic $text-warning"))
        self.query_one("#event-title", Static).update(title)
        self.query_one("#brief-text", Prose).show(decision.brief)
        source = self.query_one("#source", Static)
        source.update(Content.styled(f"Source: {event.source}", "dim italic") if event.source else "")
        source.display = bool(event.source)
        if isinstance(self.focused, CounselLine):
            # the lines are made anew for the new decision; the choices keep the keys where they were
            self.query_one(ChoiceList).focus()
        self.query_one(CounselPanel).show(engine.content, decision, self.counsel_in_full)
        stakes = self.game.stakes.view(state, self.game.leanings_shown)
        self.query_one(ChoiceList).show(decision.choices, stakes)
        self.warnings = stakes.warnings
        self.show_status()
        warnings = {warning.stat: warning for warning in reversed(stakes.warnings)}  # (the nearest kept)
        meters = [Meter(view, tuple(meter_series(engine, state, view.id)), stakes.zones.get(view.id, ()),
                        warnings.get(view.id)) for view in decision.stats]
        self.query_one(Dashboard).show(meters)
        self.query_one(Timeline).show(timeline(engine, state))
        self.query_one("#brief", VerticalScroll).scroll_home(animate=False)

    @property
    def decision(self) -> Decision | None:
        return self.game.decision

    def action_choose(self, number: int) -> None:
        decision = self.decision
        if decision is None:
            return
        if not 1 <= number <= len(decision.choices):
            self.app.bell()
            return
        choice = decision.choices[number - 1]
        if not choice.available:
            reason = f": {choice.reason}" if choice.reason else ""
            self.notify(f"“{choice.label}” is not available{reason}", title="Unavailable", severity="warning")
            return
        self.game.take_choice(choice.id)

    def on_choice_list_chosen(self, message: ChoiceList.Chosen) -> None:
        self.game.take_choice(message.choice_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "actions":  # (only in a scenario that has standing actions)
            return bool(self.game.content.actions)
        return True

    def action_actions(self) -> None:
        """Open the standing actions; the one picked is taken, and the same decision shown again."""
        decision = self.decision
        if decision is None or not decision.actions:
            return
        from game.tui.screens.actions import ActionsScreen

        def taken(action_id: str | None) -> None:
            if action_id is not None:
                self.game.take_action(action_id)

        self.app.push_screen(ActionsScreen(self.game.content, decision.actions,
                                           self.game.content.scenario.actions_per_turn), taken)

    def action_toggle_leanings(self) -> None:
        """Show or hide which way each choice is expected to push the meters (remembered in the settings)."""
        if not self.game.stakes.leanings_shown:
            self.notify("This scenario does not show leanings.", timeout=3)
            return
        self.game.toggle_leanings()
        decision = self.decision
        if decision is not None and self.game.state is not None:
            self.query_one(ChoiceList).show(decision.choices, self.game.stakes.view(self.game.state,
                                                                                     self.game.leanings_shown))
        self.notify("Leanings shown." if self.game.leanings_shown else "Leanings hidden.", timeout=2)

    def action_read_on(self) -> None:
        """Page down through the brief and counsel without leaving the choices, a line of each page
        kept on the next."""
        brief = self.query_one("#brief", VerticalScroll)
        if not page_down(brief):
            decision = self.decision
            count = len(decision.choices) if decision is not None else 0
            keys = "1" if count == 1 else f"1-{count}"
            self.app.clear_notifications()  # pressing again does not pile up copies
            self.notify(f"That is the whole brief. Take a choice with {keys}.", timeout=3)

    def action_expand_counsel(self) -> None:
        """Every advisor's argument in full, now and at the next decisions; or back to a line each."""
        lines = list(self.query(CounselLine))
        self.counsel_in_full = not all(line.expanded for line in lines) if lines else not self.counsel_in_full
        self.query_one(CounselPanel).expand_all(self.counsel_in_full)

    def show_status(self) -> None:
        """The status line; while the dashboard is folded away it carries the nearest danger too."""
        if self.game.decision is not None:
            self.query_one(StatusBar).show(self.game.engine, self.game.decision,
                                           self.warnings if self.dashboard_folded else ())

    @property
    def dashboard_folded(self) -> bool:
        return self.has_class("-folded")

    def action_toggle_dashboard(self) -> None:
        """Fold the dashboard and timeline away, so the brief takes the whole width; or bring them back."""
        self.fold_dashboard(not self.dashboard_folded)

    def fold_dashboard(self, folded: bool) -> None:
        side_focused = self.focused is not None and self.query_one("#side") in self.focused.ancestors_with_self
        self.set_class(folded, "-folded")
        self.show_status()
        if folded and side_focused:
            self.query_one("#choices").focus()
        self.game.fold_dashboard(folded)

    def action_focus_pane(self, pane: str) -> None:
        if pane in ("dashboard", "timeline") and self.dashboard_folded:
            self.fold_dashboard(False)
        if self.has_class("-narrow"):
            # one of dashboard and timeline is shown at a time; asking for either shows it
            if pane == "timeline" and self.has_class("-timeline"):
                self.remove_class("-timeline")
                pane = "dashboard"
            elif pane == "timeline":
                self.add_class("-timeline")
            elif pane == "dashboard":
                self.remove_class("-timeline")
        self.query_one(f"#{pane}").focus()
