/**
 * Names of one testbed run's network objects, all under a run prefix (`luctb` + 4 hex digits),
 * so parallel runs never collide and a crashed run's leftovers are found by prefix: namespace
 * `<prefix>-h<i>` per host, veth `<prefix>v<i>` on the bridge side (its other end is `eth0`
 * inside the namespace), bridges `<prefix>b<k>` (b0 joins everything; one more per group a
 * partition separates). Linux caps interface names at 15 characters: 9 + 1 + 3 digits fits.
 */
import { randomBytes } from 'node:crypto';

export const TESTBED_PREFIX = 'luctb';
/** Hosts a testbed may have: three digits in a veth name, and the addresses of one /16. */
export const TESTBED_HOSTS_MAX = 999;
const IFNAME_MAX = 15;

export interface TestbedNames {
  readonly prefix: string;
  namespace(host: number): string;
  veth(host: number): string;
  bridge(group: number): string;
  /** The host's address (10.77.0.0/16; host 0 is 10.77.0.1). */
  address(host: number): string;
}

export const TESTBED_SUBNET_BITS = 16;

export function freshPrefix(): string {
  return `${TESTBED_PREFIX}${randomBytes(2).toString('hex')}`;
}

export function testbedNames(prefix: string): TestbedNames {
  const check = (name: string): string => {
    if (name.length > IFNAME_MAX) throw new RangeError(`interface name ${name} is longer than ${IFNAME_MAX} characters`);
    return name;
  };
  return {
    prefix,
    namespace: (host) => `${prefix}-h${host}`,
    veth: (host) => check(`${prefix}v${host}`),
    bridge: (group) => check(`${prefix}b${group}`),
    address: (host) => `10.77.${(host + 1) >> 8}.${(host + 1) & 255}`,
  };
}
