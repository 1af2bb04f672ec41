/**
 * Shrinking a failing schedule: remove faults while the failure still reproduces, first in large
 * chunks then one at a time (Zeller's delta debugging, its complement-removal half), within a
 * budget of attempts. Deterministic: candidates are tried in a fixed order.
 */
export interface Shrunk<T> {
  readonly items: T[];
  /** Runs tried (each a whole run of the scenario). */
  readonly attempts: number;
}

export function shrink<T>(items: readonly T[], stillFails: (candidate: readonly T[]) => boolean, attemptsMax: number): Shrunk<T> {
  let current = [...items];
  let attempts = 0;
  let chunk = Math.max(1, Math.floor(current.length / 2));
  while (current.length > 0 && attempts < attemptsMax) {
    let removedAny = false;
    for (let start = 0; start < current.length && attempts < attemptsMax; ) {
      const candidate = [...current.slice(0, start), ...current.slice(start + chunk)];
      attempts++;
      if (stillFails(candidate)) {
        current = candidate;
        removedAny = true;
      } else {
        start += chunk;
      }
    }
    if (chunk === 1 && !removedAny) break;
    if (!removedAny) chunk = Math.max(1, Math.floor(chunk / 2));
    else chunk = Math.min(chunk, Math.max(1, Math.floor(current.length / 2)));
  }
  return { items: current, attempts };
}
