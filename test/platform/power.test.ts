import { describe, expect, it } from 'vitest';
import { EnergyMeter, VMPLACES_POWER, hostPowerW, validatePowerModel } from '../../src/platform/power.js';

const HOUR_US = 3_600_000_000;

describe('host power', () => {
  it('is linear between idle and full, clamped to [0, 1] utilisation', () => {
    expect(hostPowerW(VMPLACES_POWER, 0)).toBe(100);
    expect(hostPowerW(VMPLACES_POWER, 0.25)).toBe(125);
    expect(hostPowerW(VMPLACES_POWER, 1)).toBe(200);
    expect(hostPowerW(VMPLACES_POWER, 1.7)).toBe(200);
    expect(hostPowerW(VMPLACES_POWER, -0.2)).toBe(100);
  });

  it('rejects a model whose full power is below idle, naming the field', () => {
    expect(() => validatePowerModel({ idleW: 100, fullW: 90 })).toThrow('PowerModel.fullW: expected a finite number >= idleW (100), got 90');
    expect(() => validatePowerModel({ idleW: -1, fullW: 90 })).toThrow('PowerModel.idleW');
  });
});

describe('energy meter', () => {
  it('integrates a piecewise-constant draw exactly: 1 h idle, 30 min full, 30 min off = 200 Wh', () => {
    const meter = new EnergyMeter(0);
    meter.set(0, hostPowerW(VMPLACES_POWER, 0));
    meter.set(HOUR_US, hostPowerW(VMPLACES_POWER, 1));
    meter.set(1.5 * HOUR_US, 0);
    expect(meter.watthoursAt(2 * HOUR_US)).toBe(200);
  });

  it('multiplies by the PUE of the PoP, and refuses time going backwards', () => {
    const meter = new EnergyMeter(0, 1.5);
    meter.set(0, 100);
    expect(meter.watthoursAt(HOUR_US)).toBe(150);
    expect(() => meter.set(HOUR_US - 1, 50)).toThrow('before the last update');
    expect(() => new EnergyMeter(0, 0.9)).toThrow('pue must be a finite number >= 1');
  });
});
