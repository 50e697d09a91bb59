"""A claim's state machine, built from the stages a region returns: pure, no database.

A claim is one activity submitted for registration (``purpose="activity"``)
or a teacher's cycle review (``purpose="cycle"``). Its states are the region's
stages in order (the first is the state right after submission), then
``approved`` (``certified`` for a cycle review), plus ``returned`` (back to the
teacher for correction; resubmitting starts again at the first stage),
``rejected`` (final, with a reason), ``revoked`` (after approval, with a
reason; reversing entries point at the originals) and ``withdrawn`` (the record
withdrawn before final approval, :mod:`xuefen.claims.amend`). Before final
approval a record may also be *amended*, which takes its claim back to the
first stage (``amend``, from any stage or ``returned``)::

    school_review --approve--> county_review --approve--> approved --revoke--> revoked
         |  \\--return--> returned --resubmit--> school_review
         \\--reject--> rejected

The machine (``transitions``) says which action may follow which state;
:mod:`xuefen.claims.actions` checks the actor and writes the change.
"""
from __future__ import annotations

import functools
from typing import Iterable

import attrs
from transitions import Machine

from xuefen.errors import RefusedAction
from xuefen.model import Stage
from xuefen.store import repo

APPROVED = "approved"
CERTIFIED = "certified"
RETURNED = "returned"
REJECTED = "rejected"
REVOKED = "revoked"
WITHDRAWN = "withdrawn"
FINAL = {"activity": APPROVED, "cycle": CERTIFIED}
ACTIONS = ("approve", "return", "reject", "revoke", "resubmit")
#: corrections of the record before final approval (:mod:`xuefen.claims.amend`), also moves of the machine
CORRECTIONS = ("amend", "withdraw")
#: the states a claim ends in, never to move again
ENDED = (REJECTED, REVOKED, WITHDRAWN)

def stage_to_json(stage: Stage) -> dict:
    return repo.stage_as_json(stage)


def stage_from_json(data: dict | Stage) -> Stage:
    return data if isinstance(data, Stage) else repo.stage_from_json(data)


class _Token:
    """The model object ``transitions`` moves between states for one action."""


@attrs.frozen
class Flow:
    """A claim's state machine: the region's stages, then the final state, plus the side states."""

    stages: tuple[Stage, ...]
    purpose: str = "activity"
    machine: Machine = attrs.field(eq=False, repr=False, default=None)

    @classmethod
    def of(cls, stages: Iterable[Stage | dict], purpose: str = "activity") -> "Flow":
        return _flow(tuple(stage_from_json(s) for s in stages), purpose)

    @property
    def final(self) -> str:
        return FINAL[self.purpose]

    @property
    def first(self) -> str:
        return self.stages[0].name

    @property
    def states(self) -> list[str]:
        return [s.name for s in self.stages] + [self.final, RETURNED, REJECTED, REVOKED, WITHDRAWN]

    def stage(self, state: str) -> Stage | None:
        """The stage waiting in ``state`` (None when the claim is not under review)."""
        return next((s for s in self.stages if s.name == state), None)

    def index(self, state: str) -> int:
        """Position of ``state`` along the review: stages 0…n-1, the final state n, others -1."""
        names = [s.name for s in self.stages]
        if state in names:
            return names.index(state)
        return len(names) if state == self.final else -1

    def allowed(self, state: str) -> list[str]:
        return sorted(t for t in self.machine.get_triggers(state) if t in ACTIONS)

    def next_state(self, state: str, action: str) -> str:
        """The state ``action`` leads to from ``state``; refused when the machine has no such transition."""
        if state not in self.states:
            raise RefusedAction(f"claim in unknown state {state!r}")
        token = _Token()
        self.machine.add_model(token, initial=state)
        try:
            if not token.may_trigger(action):
                can = ", ".join(self.allowed(state)) or "nothing"
                raise RefusedAction(f"cannot {action} a claim that is {state} (possible: {can})")
            token.trigger(action)
            return token.state
        finally:
            self.machine.remove_model(token)


@functools.lru_cache(maxsize=64)
def _flow(stages: tuple[Stage, ...], purpose: str) -> Flow:
    if not stages:
        raise RefusedAction("the region returned no approval stages")
    names = [s.name for s in stages]
    final = FINAL[purpose]
    if len(set(names)) != len(names) or set(names) & {final, RETURNED, REJECTED, REVOKED, WITHDRAWN}:
        raise ValueError(f"approval stage names must be unique and not reserved: {names}")
    machine = Machine(model=None, states=names + [final, RETURNED, REJECTED, REVOKED, WITHDRAWN], initial=names[0],
                      auto_transitions=False, ignore_invalid_triggers=False)
    for here, there in zip(names, names[1:] + [final]):
        machine.add_transition("approve", here, there)
    machine.add_transition("return", names, RETURNED)
    machine.add_transition("reject", names, REJECTED)
    machine.add_transition("resubmit", RETURNED, names[0])
    machine.add_transition("revoke", final, REVOKED)
    machine.add_transition("amend", names + [RETURNED], names[0])
    machine.add_transition("withdraw", names + [RETURNED], WITHDRAWN)
    return Flow(stages=stages, purpose=purpose, machine=machine)

