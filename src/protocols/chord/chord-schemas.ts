/** Chord's wire schema: node ids in the peer set (-1 where "none" is meant), successor lists of at most `successorListLength`. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, list, message, nodeId, nodeIdOrNone, validatorOf } from '../wire-schema.js';
import type { ChordConfig } from './chord-config.js';

export function chordMessageSchema(peerCount: number, config: ChordConfig): MessageValidator {
  const node = nodeId(peerCount);
  const nodeOrNone = nodeIdOrNone(peerCount);
  const key = z.number().int().min(0).max(2 ** config.idBits - 1);
  const successors = list(node, config.successorListLength);
  const hops = z.number().int().min(0).max(config.lookupHopsMax + 1);
  return validatorOf([
    message('chord.step', { lookupId: counter, key, prev: nodeOrNone, expectOwner: z.boolean(), afterTimeout: z.boolean(), wantSuccessors: z.boolean(), fromMember: z.boolean() }),
    message('chord.step-reply', { lookupId: counter, done: z.boolean(), node: nodeOrNone, nextPrev: nodeOrNone, backup: nodeOrNone, backupPrev: nodeOrNone, expectOwner: z.boolean(), successors: successors.nullable() }),
    message('chord.forward', { origin: node, lookupId: counter, key, prev: nodeOrNone, expectOwner: z.boolean(), hops }),
    message('chord.found', { lookupId: counter, owner: nodeOrNone, hops }),
    message('chord.get-pred', { seq: counter }),
    message('chord.pred-reply', { seq: counter, pred: nodeOrNone, successors }),
    message('chord.notify', {}),
    message('chord.closer-successor', { node }),
    message('chord.invite', {}),
    message('chord.ping', { seq: counter }),
    message('chord.pong', { seq: counter }),
  ]);
}
