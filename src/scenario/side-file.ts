/**
 * A side file a scenario names (an image manifest, a PoP-to-operator map), read as YAML or JSON:
 * unreadable or not parseable, a `ScenarioError` naming the file (and the line of a syntax error).
 */
import { readFileSync } from 'node:fs';
import { parse, YAMLParseError } from 'yaml';
import { ScenarioError, scenarioIssue } from './errors.js';

/** The parsed content of `file`; `what` says what the file should be, for the error of an unreadable one. */
export function readSideFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ScenarioError(file, [scenarioIssue('', what, 'no readable file')]);
  }
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const [line, column] = error.linePos === undefined ? [0, 0] : [error.linePos[0].line, error.linePos[0].col];
    throw new ScenarioError(file, [scenarioIssue('', 'valid YAML or JSON', error.message.split('\n')[0], line, column)]);
  }
}
