/**
 * Errors in scenario files. Each problem is one issue: the field (a path such as
 * `topology.latency.routeFactor` or `faults[2].atS`, '' for the file as a whole), what was
 * expected and what was found, plus a 1-based line and column when the source says (0 when not).
 * All issues found in one pass are reported together, one line each:
 *
 *   scenarios/x.yaml:12:5: faults[2].atS: expected a number >= 0, found -3
 */
export interface ScenarioIssue {
  readonly field: string;
  readonly expected: string;
  readonly found: string;
  readonly line: number;
  readonly column: number;
}

export function scenarioIssue(field: string, expected: string, found: string, line = 0, column = 0): ScenarioIssue {
  return { field, expected, found, line, column };
}

export function formatIssue(file: string, issue: ScenarioIssue): string {
  const where = issue.line > 0 ? `${file}:${issue.line}:${issue.column}` : file;
  const field = issue.field === '' ? '' : `${issue.field}: `;
  return `${where}: ${field}expected ${issue.expected}, found ${issue.found}`;
}

export class ScenarioError extends Error {
  readonly issues: readonly ScenarioIssue[];

  constructor(
    readonly file: string,
    issues: readonly ScenarioIssue[],
  ) {
    if (issues.length === 0) throw new RangeError('ScenarioError needs at least one issue');
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
    this.name = 'ScenarioError';
    this.issues = issues;
  }

  /** The first issue's field path ('' for the whole file). */
  get fieldPath(): string {
    return this.issues[0].field;
  }

  get expected(): string {
    return this.issues[0].expected;
  }

  get found(): string {
    return this.issues[0].found;
  }
}

/** A short, readable description of a value from a scenario file, for the "found" part. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `'${shown}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
