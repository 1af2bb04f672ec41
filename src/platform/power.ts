/**
 * Host power and energy: power is linear in CPU utilisation between the idle and the full
 * figure (the model VMPlaceS and SimGrid's host energy plugin use), a switched-off host draws
 * nothing, and the facility's draw is the hosts' times the PoP's PUE. The meter integrates a
 * piecewise-constant draw exactly: callers tell it when the utilisation changes.
 */

export interface PowerModel {
  readonly idleW: number;
  readonly fullW: number;
}

/** VMPlaceS's hosts: 100 W idle, 200 W at full load. */
export const VMPLACES_POWER: PowerModel = { idleW: 100, fullW: 200 };

export function validatePowerModel(model: PowerModel): void {
  if (!(model.idleW >= 0 && Number.isFinite(model.idleW))) throw new RangeError(`PowerModel.idleW: expected a finite number >= 0, got ${model.idleW}`);
  if (!(model.fullW >= model.idleW && Number.isFinite(model.fullW))) throw new RangeError(`PowerModel.fullW: expected a finite number >= idleW (${model.idleW}), got ${model.fullW}`);
}

/** Draw at `utilisation` in [0, 1] (clamped: demand above capacity still runs at full power). */
export function hostPowerW(model: PowerModel, utilisation: number): number {
  const u = Math.min(1, Math.max(0, utilisation));
  return model.idleW + (model.fullW - model.idleW) * u;
}

const US_PER_HOUR = 3_600_000_000;

/**
 * Energy of one host (or any piecewise-constant draw) in watt-hours, integrated from kernel
 * times in whole microseconds. `pue` multiplies the host's draw (cooling and distribution of
 * its PoP); 1 counts the IT load alone.
 */
export class EnergyMeter {
  private drawW = 0;
  private sinceUs: number;
  private energyWh = 0;

  constructor(
    startUs: number,
    private readonly pue = 1,
  ) {
    if (!(pue >= 1 && Number.isFinite(pue))) throw new RangeError(`EnergyMeter: pue must be a finite number >= 1, got ${pue}`);
    this.sinceUs = startUs;
  }

  /** From `atUs` on, the host draws `drawW` (0 when off). Times must not go backwards. */
  set(atUs: number, drawW: number): void {
    this.accumulate(atUs);
    if (!(drawW >= 0 && Number.isFinite(drawW))) throw new RangeError(`EnergyMeter.set: drawW must be a finite number >= 0, got ${drawW}`);
    this.drawW = drawW;
  }

  /** Watt-hours from the start to `atUs`, PUE included. */
  watthoursAt(atUs: number): number {
    this.accumulate(atUs);
    return this.energyWh;
  }

  private accumulate(atUs: number): void {
    if (!(atUs >= this.sinceUs)) throw new RangeError(`EnergyMeter: time ${atUs} us is before the last update (${this.sinceUs} us)`);
    this.energyWh += (this.drawW * this.pue * (atUs - this.sinceUs)) / US_PER_HOUR;
    this.sinceUs = atUs;
  }
}
