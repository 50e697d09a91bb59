"""Approving a whole batch (a reviewer's queue) as one signed action: the same checks as one approval, set-based.

:func:`approve_many` takes what :func:`xuefen.claims.actions.act` does for one
``approve`` and does it for a batch in one transaction with a fixed number of
statements per chunk instead of 14–23 per claim (issue 16):

* the claims, their teachers' schools and activities are read in chunks (locked
  ``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` holds the database);
* the org tree, the region runtimes and each flow are built once per batch, and each
  claim gets exactly the per-claim checks of :func:`~xuefen.claims.actions.act`, in
  its order: the flow's transition, then the actor's authority for the claim's stage
  (:func:`~xuefen.claims.authority.refusal_for` on the teacher's chain of units), then
  the cohort limit of a stage that records assessments;
* the cohort limit is counted once per batch, by one ``GROUP BY`` (region, project,
  assessment, flow, state) over the cohorts of the projects the batch's graded
  activities belong to (found by the project index), then kept up to date in memory as
  the batch approves — so the ``n``-th excellent trainee of a batch is refused exactly
  when the ``n``-th single approval in a row would be;
* on a ``signed`` stage (Lincang's 第十五条) each claim is still signed over its own
  data (:func:`xuefen.claims.signatures.sign_many`: one signature row per claim and
  stage, the payload :func:`~xuefen.claims.signatures.sign_stage` would sign), the
  payloads read for the whole batch; before the final approval of a claim with signed
  stages, the claims whose data changed after signing are refused, found by one
  :func:`~xuefen.claims.signatures.verify_claims` per chunk;
* at the final stage each activity is converted with the teacher's already approved
  activities and those approved before it in the batch (what ``evaluate`` counts),
  and every entry of the batch is posted by one :func:`xuefen.ledger.post_many`;
* the claims move by one ``UPDATE … WHERE id = ? AND version = ?`` executemany and
  one batch audit record per :data:`xuefen.audit.BATCH` claims (every claim's before/after images, as
  :func:`xuefen.audit.update` writes them one by one), the entries likewise.

A claim that is refused (or not found) is reported in its place and left as it was,
as before. A batch holding what the set-based path does not cover — a cycle review,
a flow whose last stage is signed (none so far), the same claim twice — goes claim by
claim through :func:`~xuefen.claims.actions.act`, each in a savepoint: the result is
the same, only slower.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Iterable

import sqlalchemy as sa

from xuefen import audit, ledger, registry
from xuefen.claims import actions as single, signatures
from xuefen.claims.authority import actor_row, refusal_for
from xuefen.claims.flow import REJECTED, REVOKED, WITHDRAWN, Flow
from xuefen.errors import Conflict, NotFound, RefusedAction
from xuefen.evaluate import Converting, convert_alone
from xuefen.store import repo
from xuefen.store.schema import activities, activity_field, activity_project_id, claims, orgs, teachers, utcnow

#: claims read per query
CHUNK = 500


def approve_many(engine, claim_ids: Iterable[str], signer, *, on_each=None, as_of: dt.date | None = None,
                 **kw) -> list:
    """Approve the claims as **one** signed action in one transaction; a refusal stops only its claim, and
    the one signature covers every claim approved. Returns an :class:`~xuefen.claims.actions.Outcome` or
    the exception (:class:`RefusedAction`, :class:`Conflict`, :class:`NotFound`) per claim, in order.

    :param on_each: called with each claim's outcome (or refusal), inside the transaction (what is shown
        may still be undone if the batch fails before it commits).
    :raises RefusedAction: no valid key (nothing is approved).
    """
    ids = list(claim_ids)
    with engine.begin() as conn:
        with audit.acting(conn, signer, "approve", {"claims": len(ids)}) as signed:
            out = approve_in(conn, ids, signer, as_of=as_of, on_each=on_each, **kw)
            done = sum(1 for o in out if isinstance(o, single.Outcome))
            signed.subject.update({"approved": done, "refused": len(out) - done})
    return out


def approve_queue(engine, signer, *, as_of: dt.date | None = None, on_each=None) -> list:
    """Every claim waiting for the signer's actor (:func:`xuefen.claims.queues.queue`), read and approved in
    the same transaction, as one signed action (``approve --all-queued``)."""
    from xuefen.claims.queues import queue_ids

    with engine.begin() as conn:
        with audit.acting(conn, signer, "approve", {"queue": signer.actor_id}) as signed:
            ids = queue_ids(conn, signer.actor_id)
            out = approve_in(conn, ids, signer, as_of=as_of, on_each=on_each)
            done = sum(1 for o in out if isinstance(o, single.Outcome))
            signed.subject.update({"claims": len(ids), "approved": done, "refused": len(out) - done})
    return out


def approve_in(conn, ids: list[str], signer, *, as_of: dt.date | None = None, on_each=None, **kw) -> list:
    """:func:`approve_many` inside the caller's transaction and open signed action."""
    as_of = as_of or dt.date.today()
    rows = _claims(conn, ids)
    stages = _Stages()
    if kw or len(set(ids)) != len(ids) or any(not _bulk_ok(r, stages) for r in rows.values()):
        return _one_by_one(conn, ids, signer, as_of, on_each, **kw)
    return _Batch(conn, signer, as_of, stages).run(ids, rows, on_each)


def _one_by_one(conn, ids, signer, as_of, on_each, **kw) -> list:
    act = audit.current_act(conn, signer.actor_id, "approve")
    out: list = []
    for cid in ids:
        mark = (act.first, act.last, act.head)
        try:
            with conn.begin_nested():
                out.append(single.act(conn, cid, "approve", signer, as_of=as_of, **kw))
        except (RefusedAction, Conflict, NotFound) as exc:
            act.first, act.last, act.head = mark  # its records were rolled back
            out.append(exc)
        if on_each is not None:
            on_each(cid, out[-1])
    return out


#: a claim as the batch reads it: every column, ``stages`` as its stored text (``stages_text``: parsed once
#: per distinct text, :class:`_Stages`), and the teacher's school
_CLAIM_COLUMNS = tuple(c for c in claims.columns if c.name != "stages") + (
    sa.cast(claims.c.stages, sa.Text).label("stages_text"), teachers.c.school_id.label("school_id_"))


def _claims(conn, ids: list[str]) -> dict:
    out = {}
    for i in range(0, len(ids), CHUNK):
        q = (sa.select(*_CLAIM_COLUMNS)
             .join(teachers, teachers.c.id == claims.c.teacher_id)
             .where(claims.c.id.in_(ids[i:i + CHUNK])))
        if conn.dialect.name == "postgresql":
            q = q.with_for_update(of=claims)
        for row in conn.execute(q):
            out[row.id] = row
    return out


class _Stages:
    """Each distinct stored ``stages`` text of a batch, parsed and serialised canonically once: ``text`` →
    (the stages as plain JSON values, their canonical text)."""

    def __init__(self):
        self.seen: dict[str, tuple] = {}

    def __call__(self, text: str) -> tuple[list, str]:
        got = self.seen.get(text)
        if got is None:
            value = audit.plain(json.loads(text)) if text is not None else None
            got = self.seen[text] = (value, audit._dump(value))
        return got


def _bulk_ok(row, stages: _Stages) -> bool:
    """Whether the set-based path covers the claim: an activity claim whose last stage is not signed (a
    signed stage before it is signed claim by claim inside the batch: :meth:`_Batch._signing`)."""
    st = stages(row.stages_text)[0]
    return row.purpose == "activity" and not (st and (st[-1] or {}).get("signed"))


class _Batch:
    def __init__(self, conn, signer, as_of: dt.date, stages: _Stages):
        self.conn, self.signer, self.as_of, self.stages = conn, signer, as_of, stages
        self.actor = actor_row(conn, signer.actor_id)
        self.flows: dict[tuple, Flow] = {}
        self.texts: dict[tuple, tuple] = {}
        self.moves: dict[tuple, str | RefusedAction] = {}
        self.runtimes: dict = {}
        self.org_rows: dict = {}  # the units above the batch's schools, read once per batch (_read_units)
        self.chains: dict = {}
        self.acts: dict[tuple, object] = {}  # (teacher, activity) -> its stored row, or the Activity once built
        self.projects_of: dict[tuple, tuple] = {}  # (teacher, activity) -> its project_id (as the index holds it)
        # and its claim's region
        self.limits: dict[tuple, object] = {}  # (teacher, activity) -> its cohort limit, once asked
        self.cohorts: dict | None = None  # (region, project) -> size and graded counts, once counted
        self.shifts: list | None = []  # the batch's moves decided before the cohorts were counted
        self.sign_data: dict | None = None  # claim -> what its signature covers (signed stages), once read
        self.problems: dict = {}  # claim -> why its final approval is refused (signatures.verify_claims)
        self.key_refusals: dict = {}  # signed stage -> why the signer's key cannot sign it

    # -- what is read once per batch --

    def flow(self, row) -> tuple[tuple, Flow]:
        key = self.flow_of_text(row.stages_text, row.purpose)
        return key, self.flows[key]

    def flow_of_text(self, text: str, purpose: str) -> tuple:
        """The flow key of a claim whose ``stages`` are read as stored text (each distinct text parsed once)."""
        if not isinstance(text, str):  # PostgreSQL's driver hands jsonb over parsed
            text = json.dumps(text, sort_keys=True)
        key = (text, purpose)
        if key not in self.texts:
            stages = self.stages(text)[0]
            fk = (purpose, _stages_key(stages))
            if fk not in self.flows:
                self.flows[fk] = Flow.of(stages, purpose)
            self.texts[key] = fk
        return self.texts[key]

    def next_state(self, key: tuple, flow: Flow, state: str) -> str:
        if (key, state) not in self.moves:
            try:
                self.moves[(key, state)] = flow.next_state(state, "approve")
            except RefusedAction as exc:
                self.moves[(key, state)] = exc
        got = self.moves[(key, state)]
        if isinstance(got, RefusedAction):
            raise RefusedAction(*got.args)
        return got

    def _read_units(self, school_ids) -> None:
        """The batch's schools and every unit above them, one query per level of the tree (not the whole org
        table per batch: a province's thousands of units for each school's queue)."""
        tried: set = set()
        want = {u for u in school_ids if u is not None}
        while want:
            tried |= want
            ids = sorted(want)
            for i in range(0, len(ids), CHUNK):
                for r in self.conn.execute(sa.select(orgs).where(orgs.c.id.in_(ids[i:i + CHUNK]))):
                    self.org_rows[r.id] = r
            want = {self.org_rows[u].parent_id for u in ids if u in self.org_rows} - tried - {None}

    def chain(self, school_id: str | None) -> list:
        if school_id not in self.chains:
            out, seen, unit = [], set(), school_id
            while unit is not None and unit not in seen and unit in self.org_rows:
                seen.add(unit)
                out.append(self.org_rows[unit])
                unit = self.org_rows[unit].parent_id
            self.chains[school_id] = out
        return self.chains[school_id]

    def runtime(self, region: str):
        if region not in self.runtimes:
            self.runtimes[region] = registry.region_runtime(self.conn, region)
        return self.runtimes[region]

    def cohort(self, region: str, project_id: str) -> dict:
        """The cohort of ``project_id`` in ``region`` as stored: its size and, per assessment, a count of its
        claims per (flow, state) — the cohorts of every project of the batch counted by one ``GROUP BY`` per
        chunk of projects (found by the project index) when the first is needed, then kept current as the
        batch approves (the moves decided before that are applied to the counts then)."""
        if self.cohorts is None:
            self._count_cohorts()
        return self.cohorts.get((region, project_id)) or {"size": 0, "graded": defaultdict(Counter)}

    def _count_cohorts(self) -> None:
        d = self.conn.dialect.name
        pid = activity_project_id(d)
        grade = activity_field(d, "assessment")
        live = (claims.c.purpose == "activity", claims.c.state.not_in((REJECTED, REVOKED, WITHDRAWN)))
        if d == "postgresql":
            # from the projects' activities (their index) to each one's claim (the claims' unique index), as a
            # LATERAL join: PostgreSQL otherwise hashes the join and reads every claim for each batch (a scan
            # per school's queue: 37 s of a 100k school stage), even with fresh statistics. LIMIT 1 keeps the
            # planner from flattening it back into that join, and drops nothing: an activity has one claim of
            # purpose "activity" (the claims' unique key)
            c = (sa.select(claims.c.region, claims.c.purpose, claims.c.stages, claims.c.state)
                 .where(claims.c.teacher_id == activities.c.teacher_id, claims.c.activity_id == activities.c.id,
                        *live).limit(1).lateral("c"))
            cols = (c.c.region, pid, grade, c.c.purpose, sa.cast(c.c.stages, sa.Text), c.c.state)
            source, where = activities.join(c, sa.true()), ()
        else:
            cols = (claims.c.region, pid, grade, claims.c.purpose, sa.cast(claims.c.stages, sa.Text), claims.c.state)
            source = claims.join(activities, sa.and_(activities.c.teacher_id == claims.c.teacher_id,
                                                     activities.c.id == claims.c.activity_id))
            where = live
        self.cohorts = {}
        pids = set()  # the projects of the batch's graded activities under a cohort limit: the others are not asked
        for k, (_project, region) in self.projects_of.items():
            act, limit = self.activity(k), self.limit(k, region)
            if limit is not None and act.project_id is not None and act.assessment == limit.assessment:
                pids.add(act.project_id)
        pids = sorted(pids)
        for i in range(0, len(pids), CHUNK):
            q = sa.select(*cols, sa.func.count()).select_from(source).where(*where, pid.in_(pids[i:i + CHUNK]))
            q = q.group_by(*cols)
            # the region is kept here, not in SQL (see actions.cohort_query)
            for region, project, assessment, purpose, text, state, n in self.conn.execute(q):
                c = self.cohorts.setdefault((region, project), {"size": 0, "graded": defaultdict(Counter)})
                c["size"] += n
                c["graded"][assessment][(self.flow_of_text(text, purpose), state)] += n
        for shift in self.shifts:
            self._shift(*shift)
        self.shifts = None

    def _shift(self, region, project_id, assessment, fk, before: str, after: str) -> None:
        c = self.cohorts.get((region, project_id))
        if c is not None:
            g = c["graded"][assessment]
            g[(fk, before)] -= 1
            g[(fk, after)] += 1

    # -- the batch --

    def run(self, ids: list[str], rows: dict, on_each) -> list:
        self._read_units({r.school_id_ for r in rows.values()})
        self._read_activities(rows.values())
        out: list = []
        moves = []  # (row, flow key, new state)
        todo: dict[int, tuple] = {}  # position in out -> (row, new state, activity key, final)
        signs = []  # (row, stage, its signed data) of the claims approved at a signed stage
        for cid in ids:
            row = rows.get(cid)
            sign = None
            try:
                if row is None:
                    raise NotFound(f"claim {cid!r} not found")
                fk, flow = self.flow(row)
                new_state = self.next_state(fk, flow, row.state)
                stage = flow.stage(row.state)
                why = refusal_for(self.actor, row.teacher_id, stage, self.chain(row.school_id_))
                if why:
                    raise RefusedAction(f"claim {row.id}: {why}")
                key = (row.teacher_id, row.activity_id)
                if key not in self.acts:
                    raise NotFound(f"activity {row.activity_id!r} of teacher {row.teacher_id!r} not found")
                if stage.records_assessment:
                    self._cohort_check(row, key, stage)
                if stage.signed or any(st.signed for st in flow.stages):  # signatures.on_approve's checks
                    sign = self._signing(row, key, flow, stage, new_state, rows)
            except (RefusedAction, NotFound) as exc:
                out.append(exc)
                continue
            moves.append((row, new_state))
            if sign is not None:
                signs.append(sign)
            if key in self.projects_of:  # later claims of the batch count this move in its cohort
                act = self.activity(key)
                shift = (row.region, act.project_id, act.assessment, fk, row.state, new_state)
                if self.shifts is None:
                    self._shift(*shift)
                else:
                    self.shifts.append(shift)
            out.append(None)
            todo[len(out) - 1] = (row, new_state, key, new_state == flow.final)
        # each claim's outcome in the batch's order, shown (on_each) as it is decided — the final ones once
        # converted — while the transaction goes on: what is shown is undone if the batch fails before it commits
        convert = self._converter([todo[i][0] for i in sorted(todo) if todo[i][3]])
        items = []
        for i, cid in enumerate(ids):
            if out[i] is None:
                row, new_state, key, final = todo[i]
                found, refused, warnings = convert(row) if final else ((), (), ())
                items += [(row.id, row.teacher_id, e) for e in found]
                out[i] = single.Outcome(claim=row.id, action="approve", actor=self.actor.id, before=row.state,
                                        after=new_state, version=row.version + 1, entries=found,
                                        refused=refused, warnings=warnings)
            if on_each is not None:
                on_each(cid, out[i])
        signatures.sign_many(self.conn, signs, self.actor, self.signer, self.as_of)
        if items:
            ledger.post_many(self.conn, items, actor_id=self.actor.id, batch=True)
        self._move(moves)
        return out

    def _signing(self, row, key: tuple, flow: Flow, stage, new_state: str, rows: dict):
        """:func:`xuefen.claims.signatures.on_approve` for one claim of the batch: at a signed stage, what
        its signature will cover (``(row, stage, data)``, signed with the batch's other signatures once the
        batch is decided); before a final approval of a claim with signed stages, the refusal when its data
        changed after signing (or a signed stage was passed unsigned). The key, every signed claim's data and
        every final claim's verification are read for the whole batch the first time one is needed."""
        if self.sign_data is None:
            self._prepare_signing(rows)
        out = None
        if stage.signed:
            why = self.key_refusals.get(stage.name)
            if why:
                raise RefusedAction(f"claim {row.id}: {why}")
            data = self.sign_data[row.id]
            if isinstance(data, Exception):
                raise data
            out = (row, stage, data)
        if new_state == flow.final:
            p = self.problems.get(row.id)
            if p is not None:
                raise RefusedAction(f"claim {row.id}: not recognised: {p} ({stage.rule}, {stage.article})")
        return out

    def _prepare_signing(self, rows: dict) -> None:
        at_signed, finals, self.key_refusals = [], [], {}
        for row in rows.values():
            fk, flow = self.flow(row)
            stage = flow.stage(row.state)
            if stage is None:
                continue
            if stage.signed:
                at_signed.append(row)
                if stage.name not in self.key_refusals:
                    self.key_refusals[stage.name] = signatures.key_refusal(self.conn, stage, self.actor, self.signer)
            if any(st.signed for st in flow.stages):
                try:
                    if self.next_state(fk, flow, row.state) == flow.final:
                        finals.append(row.id)
                except RefusedAction:
                    pass
        built = {k: self.activity(k) for k in {(r.teacher_id, r.activity_id) for r in at_signed} if k in self.acts}
        self.sign_data = signatures.claims_data(self.conn, at_signed, self.as_of, activities=built,
                                                runtimes=self.runtimes)
        self.problems = {}
        for i in range(0, len(finals), CHUNK):
            for p in signatures.verify_claims(self.conn, finals[i:i + CHUNK]).problems:
                self.problems.setdefault(p.claim, p)  # its first, as verify_claims of that claim alone

    def _read_activities(self, rows) -> None:
        """The batch's activities as stored rows (their ``data`` as text, the ``project_id`` by the index's
        expression): an :class:`~xuefen.model.Activity` is built only for a claim that needs one
        (:meth:`activity`: a cohort check of a project's activity, a conversion)."""
        d = self.conn.dialect.name
        rows = list(rows)
        region = {(r.teacher_id, r.activity_id): r.region for r in rows}
        keys = [(r.teacher_id, r.activity_id) for r in rows if r.activity_id is not None]
        cols = (activities.c.teacher_id, activities.c.id, activities.c.kind, activities.c.date,
                sa.type_coerce(activities.c.data, sa.Text), activity_project_id(d))
        for i in range(0, len(keys), CHUNK):
            q = sa.select(*cols).where(repo.keys_in((activities.c.teacher_id, activities.c.id), keys[i:i + CHUNK]))
            for tid, aid, kind, date, data, project in self.conn.execute(q):
                self.acts[(tid, aid)] = (aid, kind, date, data)
                if project is not None:
                    self.projects_of[(tid, aid)] = (project, region[(tid, aid)])

    def limit(self, key: tuple, region: str):
        """The region's cohort limit for the activity ``key`` (its ``xuefen_cohort_limit``), asked once."""
        if key not in self.limits:
            rt = self.runtime(region)
            self.limits[key] = rt.hook.xuefen_cohort_limit(activity=self.activity(key), settings=rt.settings)
        return self.limits[key]

    def activity(self, key: tuple):
        """The activity ``key`` (teacher, id) as :func:`xuefen.store.repo.activity_from_row` reads it, built once."""
        got = self.acts[key]
        if type(got) is tuple:
            aid, kind, date, data = got
            if isinstance(data, str):  # PostgreSQL's driver hands jsonb over parsed
                data = json.loads(data)
            got = self.acts[key] = repo.activity_from_row({"id": aid, "kind": kind, "date": date, "data": data})
        return got

    def _cohort_check(self, row, key: tuple, stage) -> None:
        """:func:`xuefen.claims.actions.cohort_check`, counted from the batch's running tally."""
        if key not in self.projects_of:  # no project_id: no cohort (the region's limit is not asked)
            return
        act = self.activity(key)
        limit = self.limit(key, row.region)
        if limit is None or act.project_id is None or act.assessment != limit.assessment:
            return
        c = self.cohort(row.region, act.project_id)
        excellent = 0
        for (fk, state), n in c["graded"][limit.assessment].items():
            f = self.flows[fk]
            at = f.index(stage.name)
            if n and (f.index(state) > at >= 0 or state == f.final):
                excellent += n
        excellent += 1  # this one
        size = c["size"]
        if Decimal(excellent) > limit.share * size:
            raise RefusedAction(
                f"claim {row.id}: {excellent} of {size} trainees of project {act.project_id} graded "
                f"{limit.assessment} would exceed {limit.share * 100:.0f}% of the cohort ({limit.rule}, "
                f"{limit.article})")

    def _converter(self, finals: list):
        """``convert(row)`` for each finally approved claim of ``finals`` (its rows, in the batch's order), as
        :func:`xuefen.claims.actions._activity_entries` does: with the teacher's approved activities and those
        approved before it in this batch. Each activity is converted alone first
        (:func:`~xuefen.evaluate.convert_alone`: the same, where the conversion reads none of the history); the
        teachers of the others have their approved activities read once and kept converted
        (:class:`~xuefen.evaluate.Converting`: only what an activity joins before is converted again)."""
        trows: dict = {}
        tids = list(dict.fromkeys(r.teacher_id for r in finals))
        for i in range(0, len(tids), CHUNK):
            for r in self.conn.execute(sa.select(teachers).where(teachers.c.id.in_(tids[i:i + CHUNK]))):
                trows[r.id] = r
        teacher_of: dict[str, tuple] = {}  # teacher -> (Teacher typed, its cycle)
        alone: dict[str, tuple] = {}  # claim -> what its activity's conversion gave on its own
        for row in finals:
            tid, rt = row.teacher_id, self.runtime(row.region)
            if tid not in teacher_of:
                teacher = rt.typed(repo.teacher_from_row(trows[tid]))
                teacher_of[tid] = teacher, rt.hook.xuefen_cycle(teacher=teacher, as_of=self.as_of, region=rt.region,
                                                                settings=rt.settings)
            teacher, cycle = teacher_of[tid]
            got = convert_alone(rt, teacher, self.activity((tid, row.activity_id)), as_of=self.as_of, cycle=cycle)
            if got is not None:
                alone[row.id] = got
        with_history = list(dict.fromkeys(r.teacher_id for r in finals if r.id not in alone))
        approved = repo.approved_activities(self.conn, with_history) if with_history else {}
        kept: dict[str, Converting] = {}  # teacher -> its activities kept converted
        waiting: dict[str, list] = defaultdict(list)  # teacher -> activities approved alone, not yet added

        def convert(row):
            tid, act = row.teacher_id, self.activity((row.teacher_id, row.activity_id))
            got = alone.get(row.id)
            if got is not None:
                if tid in approved:  # a later activity of the teacher is converted with this one
                    waiting[tid].append(act)
                return got
            conv = kept.get(tid)
            if conv is None:
                teacher, cycle = teacher_of[tid]
                conv = kept[tid] = Converting(self.runtime(row.region), teacher, approved[tid] + waiting.pop(tid, []),
                                              as_of=self.as_of, cycle=cycle)
            for a in waiting.pop(tid, []):
                conv.add(a)
            conv.add(act)
            return conv.own(act.id)

        return convert

    def _move(self, moves: list) -> None:
        if not moves:
            return
        now = utcnow()
        now_json = audit.jsonable(now)
        params, records = [], []
        for row, new_state in moves:
            params.append({"b_id": row.id, "b_version": row.version, "b_state": new_state,
                           "b_new_version": row.version + 1, "b_at": now})
            # the images as audit.update records them; the stages (shared by the claims of a flow) serialised
            # once per distinct text, the rest of each image encoded as usual (audit.image_text)
            stages, stages_text = self.stages(row.stages_text)
            before = audit.image(claims, row._mapping)
            before["stages"] = stages
            after = {**before, "state": new_state, "version": row.version + 1, "updated_at": now_json,
                     "reason": None}
            known = {"stages": stages_text}
            records.append((row.id, before, audit.image_text(before, known), after, audit.image_text(after, known)))
        stmt = (sa.update(claims).where(claims.c.id == sa.bindparam("b_id"), claims.c.version == sa.bindparam("b_version"))
                .values(state=sa.bindparam("b_state"), version=sa.bindparam("b_new_version"),
                        updated_at=sa.bindparam("b_at"), reason=None))
        changed = 0
        for i in range(0, len(params), audit.CHUNK):
            res = self.conn.execute(stmt, params[i:i + audit.CHUNK])
            changed += res.rowcount
        if changed != len(params):  # the rows are locked for the transaction: only a bug gets here
            raise Conflict(f"approve: {len(params) - changed} of {len(params)} claims were changed by someone else; "
                           f"nothing was approved, look at them again and retry")
        audit.record_many(self.conn, self.actor.id, "approve", "claim", records, batch=True, texts=True)


def _stages_key(stages) -> tuple:
    """A claim's stored stages as a hashable key (a stage's ``stand_in`` is a JSON list)."""
    return tuple(tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (s or {}).items()))
                 for s in stages or ())
