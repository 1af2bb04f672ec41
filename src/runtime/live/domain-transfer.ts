/**
 * Carries an EMULATED migration's VM spec from the source agent to the target agent, and the
 * target's answer back (libvirt's test driver cannot migrate, and its domains live in each
 * agent's own connection: see libvirt-hypervisor.ts). A protocol of the live agent's stack, so
 * the hand-over is a datagram like any other: authenticated, schema-checked, counted. Not an
 * algorithm: a real migration (`virsh migrate`) does not use it.
 */
import { z } from 'zod';
import { type Message, messageValidator, type MessageValidator, type NodeContext, type NodeId, type Protocol, type TimerHandle } from '../context.js';
import type { TransferDomain, TransferResult } from './libvirt-hypervisor.js';
import type { VmSpec } from './libvirt-domain.js';

export const DOMAIN_TRANSFER = 'hv';

interface TransferMessage extends Message {
  readonly type: 'hv.transfer';
  readonly id: number;
  readonly spec: VmSpec;
}

interface AnswerMessage extends Message {
  readonly type: 'hv.answer';
  readonly id: number;
  readonly ok: boolean;
  readonly reason: string;
}

/** Modelled sizes: a spec is a few numbers; an answer a flag and a reason. */
const TRANSFER_BYTES = 96;
const ANSWER_BYTES = 48;

export class DomainTransferProtocol implements Protocol {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (result: TransferResult) => void; timer: TimerHandle }>();

  /**
   * @param receive the target side: define and start the VM here (the hypervisor's `receiveDomain`).
   * @param timeoutMs an answer later than this is a 'target-down' (the source resumes its VM).
   */
  constructor(
    private readonly ctx: NodeContext,
    private readonly receive: (spec: VmSpec) => Promise<TransferResult>,
    private readonly timeoutMs: number,
  ) {}

  /** The hypervisor's `transferDomain`. */
  readonly transfer: TransferDomain = (to, spec) =>
    new Promise((resolve) => {
      const id = this.nextId++;
      const timer = this.ctx.setTimer(this.timeoutMs, () => {
        this.pending.delete(id);
        resolve({ ok: false, reason: 'target-down' });
      });
      this.pending.set(id, { resolve, timer });
      const message: TransferMessage = { type: 'hv.transfer', id, spec };
      this.ctx.send(to, message, TRANSFER_BYTES);
    });

  onStart(): void {}

  onMessage(from: NodeId, message: Message): void {
    if (message.type === 'hv.transfer') {
      const { id, spec } = message as TransferMessage;
      const answer = (ok: boolean, reason: string): void => {
        const message: AnswerMessage = { type: 'hv.answer', id, ok, reason: reason.slice(0, 64) };
        this.ctx.send(from, message, ANSWER_BYTES);
      };
      void this.receive(spec).then(
        (result) => answer(result.ok, result.reason),
        (error: unknown) => answer(false, `internal-error: ${String(error)}`),
      );
      return;
    }
    const { id, ok, reason } = message as AnswerMessage;
    const waiting = this.pending.get(id);
    if (waiting === undefined) return; // timed out already, or not ours
    this.pending.delete(id);
    waiting.timer.cancel();
    waiting.resolve({ ok, reason });
  }

  onStop(): void {
    for (const { resolve, timer } of this.pending.values()) {
      timer.cancel();
      resolve({ ok: false, reason: 'target-down' });
    }
    this.pending.clear();
  }
}

const counter = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const specSchema = z.strictObject({ vm: counter, vcpus: z.number().int().min(1).max(1024), memoryMiB: z.number().int().min(1).max(1 << 24), ve: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER) });
const transferSchema = z.strictObject({ type: z.literal('hv.transfer'), id: counter, spec: specSchema });
const answerSchema = z.strictObject({ type: z.literal('hv.answer'), id: counter, ok: z.boolean(), reason: z.string().max(64) });

export function domainTransferMessageSchema(): MessageValidator {
  return messageValidator({ 'hv.transfer': (m) => transferSchema.safeParse(m).success, 'hv.answer': (m) => answerSchema.safeParse(m).success });
}
