"""The screens of the game: title, intro, situation room, outcome, debrief, help and dialogs."""
