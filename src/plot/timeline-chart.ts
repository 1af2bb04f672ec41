/**
 * A run's timeline from its event trace: a Gantt chart of VM migrations (one row per VM, a bar
 * from start to end, coloured by who asked and whether it succeeded) above one of DVMS
 * partitions (one row per partition, from its first leader's start to its last one's end,
 * coloured by how it ended), with host crashes and recoveries as rules across both.
 */
import * as Plot from '@observablehq/plot';
import { legendPart, type LegendEntry } from './legend.js';
import type { RunTrace } from './trace-file.js';
import { composeSvg, partOf, plotDocument, type Placed } from './svg.js';

const WIDTH_PX = 900;
const ROW_PX = 13;
/** Rows drawn at most per panel (the first to start); the subtitle says how many were left out. */
export const TIMELINE_ROWS_MAX = 60;
/** A bar is drawn at least this share of the time axis wide, so a 5 ms partition shows. */
const BAR_WIDTH_MIN_SHARE = 0.002;
const MARGIN_TOP_PX = 22;
const MARGIN_BOTTOM_PX = 38;
const MARGIN_LEFT_PX = 200;
/** Row labels longer than this are cut with an ellipsis, so they fit the left margin. */
const ROW_LABEL_CHARS_MAX = 32;

const COLOURS = {
  scheduler: '#4269d0',
  relocation: '#6cc5b0',
  failed: '#ff725c',
  solved: '#3ca951',
  dissolved: '#9498a0',
  open: '#efb118',
  crash: '#d62728',
  recovery: '#2ca02c',
} as const;

interface Bar {
  readonly row: string;
  readonly startS: number;
  readonly endS: number;
  readonly colour: string;
  readonly title: string;
}

interface Rule {
  readonly atS: number;
  readonly colour: string;
  readonly label: string;
  readonly lane: number;
}

export function timelineSvg(trace: RunTrace, durationS: number, runLabel: string): string {
  const minS = durationS * BAR_WIDTH_MIN_SHARE;
  const widen = (b: Bar): Bar => ({ ...b, endS: Math.max(b.endS, b.startS + minS) });
  const migrationBars = trace.migrations.map((m) => ({
    row: `vm ${m.vm}`,
    startS: m.startS,
    endS: m.endS,
    colour: !m.ok ? COLOURS.failed : m.by === 've' ? COLOURS.relocation : COLOURS.scheduler,
    title: `vm ${m.vm}: ${m.from} → ${m.to}, ${m.startS.toFixed(3)}–${m.endS.toFixed(3)} s${m.ok ? '' : ' (failed)'}${m.by === '' ? '' : `, by ${m.by}`}`,
  }));
  const partitionBars = partitionSpans(trace);
  const rules = hostRules(trace);
  const panels: Placed[] = [];
  let y = 0;
  const notes: string[] = [];
  for (const [name, bars] of [
    ['VM migrations (one row per VM)', migrationBars],
    ['DVMS partitions (one row per partition, first start to last end)', partitionBars],
  ] as const) {
    if (bars.length === 0) continue;
    const { part, rows, left } = panel(name, bars.map(widen), rules, durationS, panels.length === 0);
    panels.push({ part, x: 0, y });
    y += part.height;
    if (left > 0) notes.push(`${left} more rows of ${name.split(' (')[0]} not drawn (first ${rows} by start)`);
  }
  if (panels.length === 0) {
    notes.push('no migration and no partition in the trace');
    const { part } = panel('nothing to draw', [], rules, durationS, true);
    panels.push({ part, x: 0, y });
    y += part.height;
  }
  const entries: LegendEntry[] = [
    ...(migrationBars.length > 0
      ? [
          { label: 'migration ordered by the scheduler', colour: COLOURS.scheduler, shape: 'line' as const, widthPx: 8 },
          { label: 'VE relocation', colour: COLOURS.relocation, shape: 'line' as const, widthPx: 8 },
          { label: 'migration failed', colour: COLOURS.failed, shape: 'line' as const, widthPx: 8 },
        ]
      : []),
    ...(partitionBars.length > 0
      ? [
          { label: 'partition that applied a plan', colour: COLOURS.solved, shape: 'line' as const, widthPx: 8 },
          { label: 'partition dissolved without one', colour: COLOURS.dissolved, shape: 'line' as const, widthPx: 8 },
          { label: 'partition open at the end', colour: COLOURS.open, shape: 'line' as const, widthPx: 8 },
        ]
      : []),
    ...(rules.some((r) => r.colour === COLOURS.crash) ? [{ label: 'host crash', colour: COLOURS.crash, shape: 'dash' as const }] : []),
    ...(rules.some((r) => r.colour === COLOURS.recovery) ? [{ label: 'host recovery', colour: COLOURS.recovery, shape: 'dash' as const }] : []),
  ];
  if (entries.length > 0) panels.push({ part: legendPart(entries, WIDTH_PX), x: 0, y });
  if (trace.dropped > 0) notes.push(`trace truncated: ${trace.dropped} records dropped at its bound`);
  const subtitle = [
    `${runLabel}: ${trace.migrations.length} migrations, ${new Set(trace.partitions.map((p) => p.partition)).size} partitions, ${trace.hostEvents.length} crashes and recoveries; bars at least ${(BAR_WIDTH_MIN_SHARE * 100).toFixed(1)}% of the axis wide`,
    ...notes,
  ].join('\n');
  return composeSvg('Timeline of migrations and DVMS partitions (virtual time, s)', subtitle, panels);
}

/** One bar per partition: from its first stretch's start to its last one's end, coloured by how it ended. */
function partitionSpans(trace: RunTrace): Bar[] {
  const spans = new Map<string, { startS: number; endS: number; applied: boolean; open: boolean; membersMax: number; leaders: Set<string> }>();
  for (const p of trace.partitions) {
    const span = spans.get(p.partition) ?? { startS: p.startS, endS: p.endS, applied: false, open: false, membersMax: 0, leaders: new Set<string>() };
    span.startS = Math.min(span.startS, p.startS);
    span.endS = Math.max(span.endS, p.endS);
    span.applied ||= p.phase === 'applying';
    span.membersMax = Math.max(span.membersMax, p.members.length);
    span.leaders.add(p.leader);
    spans.set(p.partition, span);
  }
  // Open at the end: its last stretch ends at the run's end while no stretch says it closed (`open` is not read here, the end is).
  const lastEnd = Math.max(0, ...trace.partitions.map((p) => p.endS));
  return [...spans.entries()].map(([id, s]) => ({
    row: `${id} (${s.membersMax} hosts)`,
    startS: s.startS,
    endS: s.endS,
    colour: s.applied ? COLOURS.solved : s.endS >= lastEnd && trace.partitions.some((p) => p.partition === id && p.endS === lastEnd && p.phase !== 'applying') ? COLOURS.open : COLOURS.dissolved,
    title: `${id}: ${s.startS.toFixed(3)}–${s.endS.toFixed(3)} s, up to ${s.membersMax} hosts, leaders ${[...s.leaders].join(', ')}${s.applied ? ', applied a plan' : ''}`,
  }));
}

/** Crashes and recoveries grouped by time: one rule each, labelled with the count, labels in lanes so they do not overlap. */
function hostRules(trace: RunTrace): Rule[] {
  const byKey = new Map<string, { atS: number; kind: 'crash' | 'recovery'; hosts: string[] }>();
  for (const e of trace.hostEvents) {
    const key = `${e.kind}|${e.atS}`;
    const group = byKey.get(key) ?? { atS: e.atS, kind: e.kind, hosts: [] };
    group.hosts.push(e.host);
    byKey.set(key, group);
  }
  const groups = [...byKey.values()].sort((a, b) => a.atS - b.atS || a.kind.localeCompare(b.kind));
  return groups.map((g, i) => ({
    atS: g.atS,
    colour: g.kind === 'crash' ? COLOURS.crash : COLOURS.recovery,
    label: g.hosts.length === 1 ? `${g.kind} ${g.hosts[0]}` : `${g.hosts.length} ${g.kind === 'crash' ? 'crashes' : 'recoveries'}`,
    lane: i % 2,
  }));
}

function panel(title: string, bars: readonly Bar[], rules: readonly Rule[], durationS: number, labelRules: boolean): { part: ReturnType<typeof partOf>; rows: number; left: number } {
  const order: string[] = [];
  for (const b of [...bars].sort((a, b) => a.startS - b.startS)) if (!order.includes(b.row)) order.push(b.row);
  const rows = order.slice(0, TIMELINE_ROWS_MAX);
  const shown = new Set(rows);
  const drawn = bars.filter((b) => shown.has(b.row));
  const height = MARGIN_TOP_PX + MARGIN_BOTTOM_PX + Math.max(1, rows.length) * ROW_PX + (labelRules ? 24 : 0);
  const chart = Plot.plot({
    document: plotDocument(),
    width: WIDTH_PX,
    height,
    marginLeft: MARGIN_LEFT_PX,
    marginRight: 20,
    marginTop: MARGIN_TOP_PX + (labelRules ? 24 : 0),
    marginBottom: MARGIN_BOTTOM_PX,
    x: { label: 'virtual time (s)', domain: [0, durationS], grid: true },
    y: { label: null, domain: rows.length > 0 ? rows : [''], tickSize: 0, tickFormat: (row: string) => (row.length > ROW_LABEL_CHARS_MAX ? `${row.slice(0, ROW_LABEL_CHARS_MAX - 1)}…` : row) },
    color: { type: 'identity' },
    marks: [
      Plot.frame({ stroke: '#ddd' }),
      Plot.text([title], { frameAnchor: 'top-left', dy: -(MARGIN_TOP_PX + (labelRules ? 24 : 0)) + 4, dx: -MARGIN_LEFT_PX + 10, fontWeight: 'bold', fontSize: 12 }),
      Plot.barX(drawn, { x1: 'startS', x2: 'endS', y: 'row', fill: 'colour', title: 'title', insetTop: 2, insetBottom: 2 }),
      Plot.ruleX(rules, { x: 'atS', stroke: 'colour', strokeDasharray: '4,3', strokeWidth: 1.2 }),
      // Labels in two lanes; past 80% of the axis they end at their rule, so they stay inside.
      ...(labelRules
        ? [0, 1].flatMap((lane) =>
            [false, true].map((late) =>
              Plot.text(
                rules.filter((r) => r.lane === lane && r.atS > 0.8 * durationS === late),
                { x: 'atS', text: 'label', frameAnchor: 'top', dy: -20 + 11 * lane, textAnchor: late ? 'end' : 'start', dx: late ? -3 : 3, fill: 'colour', fontSize: 10 },
              ),
            ),
          )
        : []),
    ],
  }) as unknown as Element;
  return { part: partOf(chart, WIDTH_PX, height), rows: rows.length, left: order.length - rows.length };
}
