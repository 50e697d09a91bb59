"""Running ``xuefen demo``: the generated data through the real import and workflow, every action signed.

The data comes from the region (``xuefen_demo_data``, usually :func:`xuefen.demo.generate`); this
module only plays the people: the registry's administrator imports the tables and hands out keys,
reviewers work their queues, one falsified claim is revoked.
"""
from __future__ import annotations

import datetime as dt
import random

import attrs

from xuefen.demo import write_tables


#: what reviewers say when they send a claim back or turn it down (invented, typical)
RETURN_REASONS = ("completion certificate scan is unreadable; please upload it again",
                  "training notice missing; attach the notice with the hours stated")
REJECT_REASONS = ("the organiser is not an approved training provider",
                  "the same training was already registered under another record")


@attrs.define
class Tally:
    """What happened at each stage of the demo run."""

    approved: dict = attrs.field(factory=dict)  #: stage → claims approved there
    returned: dict = attrs.field(factory=dict)
    rejected: dict = attrs.field(factory=dict)
    refused: dict = attrs.field(factory=dict)  #: rule → actions refused by it (e.g. a cohort limit)
    resubmitted: int = 0
    revoked: int = 0
    entries: int = 0
    keys: dict = attrs.field(factory=dict, repr=False)  #: actor id → its key (xuefen.keys.Signer)

    def add(self, field: str, key: str) -> None:
        d = getattr(self, field)
        d[key] = d.get(key, 0) + 1


#: the order reviewers work their queues in, so a claim moves a stage at a time within one round
REVIEW_ORDER = ("project_leader", "school_admin", "county_admin", "city_admin", "province_admin")


#: the demo registry's administrator (``xuefen init --admin``), who imports the tables and hands out keys
ADMIN = "demo-admin"


def bootstrap(engine, keys_dir):
    """The demo registry's first administrator (as ``xuefen init --admin``), its private key into ``keys_dir``."""
    from pathlib import Path

    from xuefen import actors as actors_mod

    with engine.begin() as conn:
        admin = actors_mod.bootstrap(conn, ADMIN, name="演示管理员")
    admin.write(Path(keys_dir) / f"{ADMIN}.pem")
    return admin


def hand_out_keys(engine, admin, actors: list[dict], keys_dir) -> dict:
    """Register a key for each actor (one signed action of the administrator) and write the private keys."""
    from pathlib import Path

    from xuefen import actors as actors_mod, audit, keys

    out = {}
    with engine.begin() as conn:
        with audit.acting(conn, admin, "key_register", {"actors": len(actors)}):
            for a in actors:
                out[a["id"]] = actors_mod.create_key(conn, admin, a["id"])
    for actor_id, signer in out.items():
        signer.write(Path(keys_dir) / f"{keys.safe_name(actor_id)}.pem")
    return out


def run(engine, data: dict, seed: int, *, on: dt.date | None = None, keys_dir=None) -> Tally:
    """Import ``data`` and take every claim through its stages as the right actors.

    Each school admin works through their queue (a few claims go back to the teacher
    for a better scan, and are resubmitted; an excellent grade over a cohort's limit
    is refused and goes back too), then the county's (or, for a city-direct school,
    the city's) admin does the same (a few rejected), and one approved claim found
    falsified is revoked. Deterministic for a seed.

    Every action is signed: the registry's administrator (:data:`ADMIN`) is created
    first, imports the tables and registers a key for every invented actor; the
    private keys go into ``keys_dir`` (by default a temporary folder removed
    afterwards), so ``XUEFEN_KEYS_DIR=keys_dir xuefen … --as ACTOR`` acts as one of them.
    Where a region's stages are signed (Lincang's project leader and authority head),
    the same keys sign the claims' data.
    """
    import tempfile

    if keys_dir is None:
        with tempfile.TemporaryDirectory(prefix="xuefen-demo-keys-") as tmp:
            return run(engine, data, seed, on=on, keys_dir=tmp)
    from xuefen.claims import actions, bulk, queues
    from xuefen.errors import RefusedAction

    rng = random.Random(seed * 7919 + 1)
    on = on or dt.date(int(data["year"]) + 1, 1, 15)
    registrar = bootstrap(engine, keys_dir)
    import_rows(engine, data, registrar)
    keys = hand_out_keys(engine, registrar, data["actors"], keys_dir)
    tally = Tally()
    admins = sorted((a for a in data["actors"] if a["role"] in REVIEW_ORDER),
                    key=lambda a: (REVIEW_ORDER.index(a["role"]), a["id"]))
    for _round in range(4):  # a stage at a time; returned claims come back in the next round
        moved = False
        for admin in admins:
            with engine.begin() as conn:
                waiting = [(r.id, r.state) for r in queues.queue(conn, admin["id"])]
            approve: list[tuple[str, str]] = []
            for cid, state in waiting:  # one roll per claim, in queue order
                moved = True
                roll = rng.random()
                if admin["role"] == "school_admin" and roll < 0.025 and _round == 0:
                    _refused_or(tally, lambda: actions.return_(engine, cid, keys[admin["id"]],
                                                               rng.choice(RETURN_REASONS), as_of=on), "returned", state)
                elif admin["role"] != "school_admin" and roll < 0.012:
                    _refused_or(tally, lambda: actions.reject(engine, cid, keys[admin["id"]],
                                                              rng.choice(REJECT_REASONS), as_of=on), "rejected", state)
                else:
                    approve.append((cid, state))
            # the rest of the queue as one signed batch (xuefen approve --all-queued's path): each claim checked
            # as one approval would be, in queue order; a refused claim goes back to the teacher
            outcomes = bulk.approve_many(engine, [cid for cid, _ in approve], keys[admin["id"]], as_of=on)
            for (cid, state), out in zip(approve, outcomes):
                if isinstance(out, RefusedAction):
                    tally.add("refused", _cited_rule(str(out)))
                    actions.return_(engine, cid, keys[admin["id"]], f"refused: {out}", as_of=on)
                    tally.add("returned", state)
                elif isinstance(out, Exception):
                    raise out
                else:
                    tally.add("approved", state)
                    tally.entries += len(out.entries)
        # teachers fix what came back for a better scan (a grade over the cohort limit stays returned)
        with engine.begin() as conn:
            from xuefen.store.schema import claims
            import sqlalchemy as sa
            back = list(conn.execute(sa.select(claims.c.id, claims.c.teacher_id, claims.c.reason)
                                     .where(claims.c.state == actions.RETURNED).order_by(claims.c.id)))
        for row in back:
            if row.reason and row.reason.startswith("refused:"):
                continue
            school_admin = next(a["id"] for a in admins if a["org_id"] == _school(data, row.teacher_id))
            with engine.begin() as conn:
                actions.act(conn, row.id, "resubmit", keys[school_admin], as_of=on)
            tally.resubmitted += 1
            moved = True
        if not moved:
            break
    # one approved claim turns out to rest on a forged certificate
    with engine.begin() as conn:
        from xuefen.store.schema import claims
        import sqlalchemy as sa
        approved = list(conn.execute(sa.select(claims.c.id, claims.c.teacher_id, claims.c.stages)
                                     .where(claims.c.state == actions.APPROVED).order_by(claims.c.id)))
    if approved:
        victim = approved[rng.randrange(len(approved))]
        # the county's admin revokes, or where the region's last stage is another role's (Lincang: the
        # province recognises), that role's reviewer
        last = (victim.stages or [{}])[-1].get("role")
        for reviewer in ([a for a in admins if a["role"] == "county_admin"][:1]
                         + [a for a in admins if a["role"] == last != "county_admin"]):
            try:
                actions.revoke(engine, victim.id, keys[reviewer["id"]],
                                "completion certificate found forged on spot check", falsified=True, as_of=on)
                tally.revoked += 1
                break
            except RefusedAction:
                continue
    tally.keys = {ADMIN: registrar, **keys}
    return tally


def _refused_or(tally: Tally, do, what: str, state: str) -> None:
    """Return or reject a claim (``do``), counted as ``what``; a refusal is counted by its rule."""
    from xuefen.errors import RefusedAction

    try:
        do()
        tally.add(what, state)
    except RefusedAction as exc:
        tally.add("refused", _cited_rule(str(exc)))


def _school(data: dict, teacher_id: str) -> str:
    return next(t["school_id"] for t in data["teachers"] if t["id"] == teacher_id)


def _cited_rule(message: str) -> str:
    import re
    found = re.findall(r"\(([A-Z]+-[A-Z]+\d+),", message)
    return found[-1] if found else "refused"


#: the import order of the demo's tables (each refers to the ones before it)
def import_rows(engine, data: dict, signer) -> None:
    """Import the data through the same code as ``xuefen import`` (its CSV files, in order), signed by ``signer``."""
    import tempfile

    from xuefen import imports

    with tempfile.TemporaryDirectory(prefix="xuefen-demo-") as tmp:
        for kind, path in write_tables(data, tmp).items():
            imports.import_file(engine, kind, path, signer=signer)
