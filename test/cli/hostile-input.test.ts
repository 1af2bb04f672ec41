/**
 * Hostile input, one case per class (issue 13): every class is a clear error (exit 2, the file
 * and the field named, no stack) or a documented acceptance. The files are written into a
 * temporary folder; each case runs `luc validate` or `luc run` on them.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luc } from './run-cli.js';

let dir = '';
const BASE = 'name: h\nseed: 1\ndurationS: 10\ntopology: { kind: generate, pops: 4 }\nprotocols: { gossip: {}, vivaldi: {} }\n';
const GRAPH_HEAD = '<?xml version="1.0"?><graphml><key id="lat" for="node" attr.name="Latitude" attr.type="double"/><key id="lon" for="node" attr.name="Longitude" attr.type="double"/><graph edgedefault="undirected">';
const located = (id: string, lat: number, lon: number): string => `<node id="${id}"><data key="lat">${lat}</data><data key="lon">${lon}</data></node>`;

function write(name: string, text: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function aliasBomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  const names = 'bcdefghi'.split('');
  names.forEach((name, k) => lines.push(`${name}: &${name} [${Array(9).fill(`*${k === 0 ? 'a' : names[k - 1]}`).join(', ')}]`));
  return `${lines.join('\n')}\nname: h\n`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luc-hostile-'));
  write('base.yaml', BASE);
  write('bomb.yaml', aliasBomb());
  write('huge-duration.yaml', BASE.replace('durationS: 10', 'durationS: 1e12'));
  write('loop.graphml', `${GRAPH_HEAD}${located('a', 48, 2)}${located('b', 45, 5)}<edge source="a" target="b"/><edge source="a" target="a"/></graph></graphml>`);
  write('loop.yaml', BASE.replace('kind: generate, pops: 4', 'kind: graphml, file: loop.graphml'));
  write('nocoord.graphml', '<?xml version="1.0"?><graphml><graph edgedefault="undirected"><node id="a"/><node id="b"/><node id="c"/><edge source="a" target="b"/><edge source="b" target="c"/></graph></graphml>');
  write('nocoord.yaml', BASE.replace('kind: generate, pops: 4', 'kind: graphml, file: nocoord.graphml'));
  write('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ name: 'h', seed: 1, durationS: 10, topology: { kind: 'generate', pops: 4 }, protocols: { gossip: {} } }))]));
  write('bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BASE)]));
  write('control.yaml', BASE.replace('name: h', 'name: "h\\e[31mX"\n"bad\\e]0;title\\a": 1'));
  write('peers.json', JSON.stringify([{ id: 0, host: '127.0.0.1', port: 40001 }, { id: 1, host: '127.0.0.1', port: 40001 }]));
  write('a-file', 'not a folder\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const set = (...texts: string[]): string[] => texts.flatMap((text) => ['--set', text]);

/** [class, arguments (in the temporary folder), what stderr must say]; every one exits 2. */
const REFUSED: readonly (readonly [string, () => string[], RegExp])[] = [
  ['a YAML alias bomb', () => ['validate', join(dir, 'bomb.yaml')], /bomb\.yaml: expected YAML whose aliases .* found aliases that nest/],
  ['a durationS beyond 2^52 us', () => ['validate', join(dir, 'huge-duration.yaml')], /huge-duration\.yaml:3:1: durationS: expected a number > 0 that is, in whole microseconds, from 1 to 2\^52/],
  ['a protocol period that rounds to 0 us (hung at time 0)', () => ['validate', join(dir, 'base.yaml'), ...set('protocols.gossip.periodMs=1e-6')], /base\.yaml: protocols\.gossip\.periodMs: expected .* from 1 to 2\^52/],
  ['a sample interval that rounds to 0 us', () => ['validate', join(dir, 'base.yaml'), ...set('metrics.intervalS=1e-9')], /metrics\.intervalS: expected a number > 0 that is, in whole microseconds/],
  ['more than a million samples', () => ['validate', join(dir, 'base.yaml'), ...set('durationS=1e9')], /metrics\.intervalS: expected a number >= durationS \/ 1000000 \(1000 s\)/],
  ['a fault duration that rounds to 0 us', () => ['validate', join(dir, 'base.yaml'), ...set('faults=[{kind: host-crash, atS: 1, host: 0, durationS: 1e-9}]')], /faults\[0\]\.durationS: expected/],
  ['a period beyond 2^52 us', () => ['validate', join(dir, 'base.yaml'), ...set('protocols.vivaldi.periodMs=1e300')], /protocols\.vivaldi\.periodMs: expected .*\(at most 4503599627370\.496 ms\)/],
  ['a host count past typed arrays', () => ['validate', join(dir, 'base.yaml'), ...set('hosts.perPop={rule: degree, perLink: 1000000000}')], /base\.yaml: hosts\.perPop: expected at most 10000000 hosts in all, found \d+ over 4 PoPs/],
  ['a VM count past typed arrays', () => ['validate', join(dir, 'base.yaml'), ...set('protocols={chord: {}, vmIndex: {vmCount: 2147483647}}')], /protocols\.vmIndex\.vmCount: expected an integer in 1\.\.10000000/],
  ['a view size past its protocol bound', () => ['validate', join(dir, 'base.yaml'), ...set('protocols.chord={successorListLength: 1000000000}')], /protocols\.chord\.successorListLength: expected at most 256/],
  ['a bucket count past typed arrays', () => ['validate', join(dir, 'base.yaml'), ...set('protocols.routing={longLinkBuckets: 1000000000}')], /protocols\.routing\.longLinkBuckets: expected an integer in 1\.\.64/],
  ['a partition of every PoP (a no-op)', () => ['validate', join(dir, 'base.yaml'), ...set('faults=[{kind: partition, atS: 1, pops: [0, 1, 2, 3]}]')], /faults\[0\]\.pops: expected PoPs joined to the others .* found all 4 PoPs/],
  ['a GraphML without coordinates', () => ['validate', join(dir, 'nocoord.yaml')], /nocoord\.graphml: graph\.node\[\*\]\.Latitude, Longitude: expected coordinates on at least one node .* found none on any of its 3 nodes/],
  ['an unknown PoP in a fault (caught by validate, not only run)', () => ['validate', join(dir, 'base.yaml'), ...set('faults=[{kind: pop-crash, atS: 1, pop: Nowhere}]')], /faults\[0\]\.pop: expected a PoP of .* found 'Nowhere'/],
  ['a host index past the hosts in a fault (caught by validate)', () => ['validate', join(dir, 'base.yaml'), ...set('faults=[{kind: host-crash, atS: 1, host: 999}]')], /faults\[0\]\.host: expected a host index < 4, found 999/],
  ['an output path that is a file', () => ['run', join(dir, 'base.yaml'), '--out', join(dir, 'a-file'), '--quiet'], /results folder .*a-file: expected a folder .* found a file/],
  ['an output path under a file', () => ['run', join(dir, 'base.yaml'), '--out', join(dir, 'a-file', 'sub'), '--quiet'], /a-file is a file/],
  ['a peers file with two nodes on one address', () => ['live', 'agent', '--id', '0', '--peers', join(dir, 'peers.json'), '--report', join(dir, 'report.json'), '--duration-s', '1'], /peers\.json: \[1\]\.port: expected an address \(host and port\) no other peer has, found "127\.0\.0\.1":40001, also \[0\]/],
];

describe('hostile input: refused with exit 2, the file and the field', () => {
  it.each(REFUSED)('%s', (_name, args, message) => {
    const r = luc(args());
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('escapes control bytes of the input in messages instead of echoing them to the terminal', () => {
    const r = luc(['validate', join(dir, 'control.yaml'), ...set('protocols.gossip.viewSize=\u001b[2J')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("found 'h\\x1b[31mX'");
    expect(r.stderr).toContain("unknown field 'bad\\x1b]0;title\\x07'");
    expect(r.stderr).toContain("found '\\x1b[2J'");
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });
});

describe('hostile input: documented acceptances', () => {
  it('reads a JSON or YAML scenario that starts with a byte-order mark', () => {
    for (const name of ['bom.json', 'bom.yaml']) {
      const r = luc(['validate', join(dir, name)]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(': ok (h, seed 1, 10 s, ');
    }
  });

  it('drops a GraphML self-loop with a warning naming the file, from validate and from run', () => {
    const warning = /warning: .*loop\.graphml: 1 self-loop edge\(s\) \(a PoP linked to itself\) dropped/;
    const v = luc(['validate', join(dir, 'loop.yaml')]);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).toMatch(warning);
    const r = luc(['run', join(dir, 'loop.yaml'), '--out', join(dir, 'loop-run'), '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(warning);
  });
});

describe('luc run never deletes what it did not write', () => {
  it("refuses a folder holding the user's files, and with --force replaces only the run's own files there", () => {
    const out = join(dir, 'mine');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'precious\n');
    const refused = luc(['run', join(dir, 'base.yaml'), '--out', out, '--quiet']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/results folder .*mine: expected a new or empty folder, or an earlier run of this same scenario; found 1 file\(s\) a run does not write \(notes\.txt\)\. .* --force/);
    expect(readdirSync(out)).toEqual(['notes.txt']);

    const forced = luc(['run', join(dir, 'base.yaml'), '--out', out, '--quiet', '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['coordinates.csv', 'metrics.csv', 'notes.txt', 'scenario.json', 'summary.json']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('precious\n');
    // --force removes the run's own stale files: a run without Vivaldi leaves no coordinates.csv behind
    const again = luc(['run', join(dir, 'base.yaml'), '--out', out, '--quiet', '--force', ...set('protocols={gossip: {}}')]);
    expect(again.status, again.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['metrics.csv', 'notes.txt', 'scenario.json', 'summary.json']);
  });

  it('re-runs the same scenario into its own folder, refuses another run there, and gives a --set run a folder of its own', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const scenario = join(dir, 'base.yaml');
    for (let k = 0; k < 2; k++) expect(luc(['run', scenario, '--quiet'], cwd).status).toBe(0);
    const plain = join(cwd, 'results/h/seed-1');
    const first = readFileSync(join(plain, 'metrics.csv'), 'utf8');

    const withSet = luc(['run', scenario, '--quiet', ...set('protocols.gossip.viewSize=10')], cwd);
    expect(withSet.status, withSet.stderr).toBe(0);
    const folders = readdirSync(join(cwd, 'results/h')).sort();
    expect(folders).toHaveLength(2);
    expect(folders[1]).toMatch(/^seed-1-set-[0-9a-f]{8}$/);
    expect(readFileSync(join(plain, 'metrics.csv'), 'utf8')).toBe(first);

    const other = luc(['run', scenario, '--quiet', '--out', plain, ...set('protocols.gossip.viewSize=10')], cwd);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/found the results of another run \(scenario hash [0-9a-f]{16}, this one [0-9a-f]{16}\)/);
    expect(readFileSync(join(plain, 'metrics.csv'), 'utf8')).toBe(first);
    expect(existsSync(join(cwd, 'results/h/.seed-1.partial'))).toBe(false);
  });
});
