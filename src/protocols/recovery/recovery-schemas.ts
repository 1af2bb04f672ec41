/** The recovery agent's wire schema: VM ids below `vmIdMax`, VEs below `veCount` (-1: none), lists bounded by them. */
import { z } from 'zod';
import type { MessageValidator } from '../../runtime/context.js';
import { counter, label, list, message, timeMs, validatorOf } from '../wire-schema.js';

export function recoveryMessageSchema(vmIdMax: number, veCount: number): MessageValidator {
  const vm = z.number().int().min(0).max(Math.max(0, vmIdMax - 1));
  const ve = z.number().int().min(-1).max(veCount - 1);
  const mib = z.number().min(0).max(1e9);
  const milli = z.number().min(0).max(1e9);
  return validatorOf([
    message('rec.entry', { vm, stateMs: timeMs, bytes: z.number().min(0).max(Number.MAX_SAFE_INTEGER), vcpus: z.number().int().min(1).max(4096), memoryMiB: mib, ve, demandMilli: milli }),
    message('rec.forget', { vm }),
    message('rec.claim', { vm }),
    message('rec.query', { round: counter, vms: list(vm, vmIdMax), ves: list(ve, Math.max(1, veCount)) }),
    message('rec.state', { round: counter, freeMiB: z.number().min(-1e9).max(1e9), demandMilli: milli, vms: list(vm, vmIdMax), ves: list(ve, vmIdMax) }),
    message('rec.reserve', { vm, memoryMiB: mib, demandMilli: milli, ve }),
    message('rec.reserved', { vm, ok: z.boolean(), reason: label }),
    message('rec.restore', { vm, vcpus: z.number().int().min(1).max(4096), memoryMiB: mib, ve }),
    message('rec.restored', { vm, ok: z.boolean(), reason: label }),
  ]);
}
