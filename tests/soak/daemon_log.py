"""The daemon's stderr log (`log: stderr`: `<RFC 3339 time> <level> <message>` per line), read
incrementally and sorted into state transitions and the other lines."""

import re
from dataclasses import dataclass

LINE = re.compile(r"^\S+ (error|warning|notice|info|debug) (.*)$")
TRANSITION = re.compile(
    r"^([\w.-]+): (?:first check: (\w+)|(\w+) → (\w+))(?: \((.*)\))?$")
# docs/CONTRACT.md: info for recovery, warning for behind/no_revision, err for the rest.
LEVEL_OF_STATE = {"up_to_date": "info", "behind": "warning", "no_revision": "warning"}


@dataclass(frozen=True)
class Transition:
    component: str
    previous: str  # None for a component's first check
    state: str
    explanation: str  # the text in parentheses, or None
    level: str


class DaemonLog:
    """Reads what the daemon appended to its log since the last call."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def new_lines(self):
        """(transitions, other lines) appended since the last call; a line still being written
        is left for the next call."""
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            text = handle.read()
        complete = text[:text.rfind(b"\n") + 1]
        self.offset += len(complete)
        transitions, others = [], []
        for line in complete.decode().splitlines():
            match = LINE.match(line)
            transition = match and TRANSITION.match(match.group(2))
            if transition:
                name, first, previous, state, explanation = transition.groups()
                transitions.append(Transition(name, previous, first or state, explanation,
                                              match.group(1)))
            else:
                others.append(line)
        return transitions, others


def expected_level(state):
    return LEVEL_OF_STATE.get(state, "error")
