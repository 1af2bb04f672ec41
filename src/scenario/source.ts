/**
 * Reading a scenario file into plain data: by extension (.yaml, .yml, .json), with syntax
 * errors reported at their line and column, and a `locate` that maps a field path back to
 * where it is written (the deepest part of the path present in the file).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ScenarioError, scenarioIssue } from './errors.js';
import type { PathSegment } from './paths.js';

export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ScenarioSource {
  readonly data: unknown;
  /** 1-based position of the field in the file; line 0 when unknown. */
  locate(segments: readonly PathSegment[]): Position;
}

const NOWHERE: Position = { line: 0, column: 0 };

/** Editors on Windows start UTF-8 files with a byte-order mark; it is not part of the text. */
const BYTE_ORDER_MARK = '\uFEFF';

function readText(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an error (${code})`;
    throw new ScenarioError(file, [scenarioIssue('', 'a readable scenario file', found)]);
  }
}

function locator(document: Document, lines: LineCounter): ScenarioSource['locate'] {
  return (segments) => {
    let node: unknown = document.contents;
    let offset = -1;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined || !isScalar(pair.key) || pair.key.range == null) break;
        offset = pair.key.range[0];
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        if (!(isMap(item) || isSeq(item) || isScalar(item)) || item.range == null) break;
        offset = item.range[0];
        node = item;
      } else {
        break;
      }
    }
    if (offset < 0) return NOWHERE;
    const position = lines.linePos(offset);
    return { line: position.line, column: position.col };
  };
}

/** Where a JSON.parse error happened, when the engine says ("at position N"). */
function jsonErrorPosition(text: string, message: string): Position {
  const match = /at position (\d+)/.exec(message);
  if (match === null) return NOWHERE;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  return { line, column: before.length - before.lastIndexOf('\n') };
}

function parseJson(file: string, text: string, document: Document): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const fromYaml = document.errors[0]?.linePos?.[0];
    const fallback = fromYaml === undefined ? NOWHERE : { line: fromYaml.line, column: fromYaml.col };
    const position = jsonErrorPosition(text, message);
    const { line, column } = position.line > 0 ? position : fallback;
    throw new ScenarioError(file, [scenarioIssue('', 'valid JSON', `a syntax error (${message})`, line, column)]);
  }
}

export function readScenarioSource(file: string): ScenarioSource {
  const extension = extname(file).toLowerCase();
  if (!(SCENARIO_EXTENSIONS as readonly string[]).includes(extension)) {
    const found = extension === '' ? 'no extension' : `'${extension}'`;
    throw new ScenarioError(file, [scenarioIssue('', `a ${SCENARIO_EXTENSIONS.join(', ')} file`, found)]);
  }
  const text = readText(file);
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (extension === '.json') return { data: parseJson(file, text, document), locate: locator(document, lines) };
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => {
      const position = error.linePos?.[0] ?? { line: 0, col: 0 };
      const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return scenarioIssue('', 'valid YAML', `a syntax error (${reason})`, position.line, position.col);
    });
    throw new ScenarioError(file, issues);
  }
  return { data: expandAliases(file, document), locate: locator(document, lines) };
}

/** Bound on alias expansions: a few aliases that nest ("billion laughs") would fill the memory. */
export const YAML_ALIASES_MAX = 100;

function expandAliases(file: string, document: Document): unknown {
  try {
    return document.toJS({ maxAliasCount: YAML_ALIASES_MAX });
  } catch (error) {
    if (!(error instanceof ReferenceError && /alias/i.test(error.message))) throw error;
    throw new ScenarioError(file, [scenarioIssue('', `YAML whose aliases (*name) stay within ${YAML_ALIASES_MAX} expanded nodes (yaml's maxAliasCount)`, 'aliases that nest into many more (an alias bomb)')]);
  }
}
