/**
 * Faults with their targets resolved to indices and their times to whole microseconds.
 * `durationUs === null` means the fault lasts until the end of the run.
 */
export type Fault =
  | { readonly kind: 'links-down'; readonly atUs: number; readonly durationUs: number | null; readonly links: readonly number[] }
  | { readonly kind: 'pops-down'; readonly atUs: number; readonly durationUs: number | null; readonly pops: readonly number[] }
  | { readonly kind: 'hosts-down'; readonly atUs: number; readonly durationUs: number | null; readonly hosts: readonly number[] }
  /** Only the hosts' agents (their protocols) crash: the machines and their VMs keep running. */
  | { readonly kind: 'agents-down'; readonly atUs: number; readonly durationUs: number | null; readonly hosts: readonly number[] }
  | {
      readonly kind: 'links-lossy';
      readonly atUs: number;
      readonly durationUs: number | null;
      readonly links: readonly number[];
      /** Chance that a message crossing one of the links is dropped while the window holds. */
      readonly lossProbability: number;
    }
  | {
      readonly kind: 'stochastic';
      readonly target: 'links' | 'pops' | 'hosts';
      /** Exponential time to failure and to repair, means in microseconds. */
      readonly mttfUs: number;
      readonly mttrUs: number;
      /** Name of the random stream family (one stream per element), e.g. `faults[3]`. */
      readonly streamName: string;
    };
