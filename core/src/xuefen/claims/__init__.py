"""Claims: the pure flow, the authority checks, actions and queues, certificates, signatures.

=====================================  ==================================================
:mod:`xuefen.claims.flow`              the state machine built from a region's stages
:mod:`xuefen.claims.authority`         who may serve a stage (role, unit, own claim)
:mod:`xuefen.claims.actions`           submit, approve, return, reject, revoke, resubmit
:mod:`xuefen.claims.bulk`              approving a batch (a queue) set-based, as one signed action
:mod:`xuefen.claims.amend`             amend or withdraw a record before final approval
:mod:`xuefen.claims.queues`            an actor's queue, a teacher's claims
:mod:`xuefen.claims.certificates`      issuing a region's certificates once per span
:mod:`xuefen.claims.signatures`        electronic signatures on signed stages
=====================================  ==================================================

The names most callers need are here too: ``from xuefen import claims``
then ``claims.approve(engine, claim_id, actor_id)``.
"""
from xuefen.claims.actions import (Outcome, act, approve, claim_id_for, claim_row, flow_of, open_claim, reject,
                                   return_, revoke, run)
from xuefen.claims.bulk import approve_many, approve_queue
from xuefen.claims.authority import actor_row, authority, is_own, refusal_for
from xuefen.claims.flow import (ACTIONS, APPROVED, CERTIFIED, FINAL, REJECTED, RETURNED, REVOKED, Flow,
                                stage_from_json, stage_to_json)
from xuefen.claims.queues import claims_of, queue

__all__ = ["ACTIONS", "APPROVED", "CERTIFIED", "FINAL", "REJECTED", "RETURNED", "REVOKED", "Flow", "Outcome",
           "act", "actor_row", "approve", "approve_many", "approve_queue", "authority", "claim_id_for", "claim_row", "claims_of",
           "flow_of", "is_own", "open_claim", "queue", "refusal_for", "reject", "return_", "revoke", "run",
           "stage_from_json", "stage_to_json"]
