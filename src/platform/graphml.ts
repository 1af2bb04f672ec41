import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TopologyError, type RawEdge, type RawGraph, type RawNode } from './types.js';

/**
 * Internet Topology Zoo GraphML -> RawGraph.
 *
 * Data keys are resolved through the <key> elements (attr.name -> id, per domain), never by
 * position: the ids (d0, d1, ...) differ from file to file. Parallel edges are kept here; the
 * backbone builder merges them. Anything malformed is a TopologyError naming the file and the
 * field (`graph.node[3].Latitude`); nothing is defaulted silently, except two documented,
 * benign absences: a node without `label` is labelled by its id, and a node without
 * `Internal` is internal (1), as GraphML writers other than the Zoo's omit both.
 */

/** Read and parse a GraphML file; errors name `path`. */
export function loadGraphml(path: string): RawGraph {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TopologyError(path, 'file', 'a readable GraphML file', (error as Error).message);
  }
  return parseGraphml(text, path);
}

/** Parse GraphML text; `file` is used in error messages and, without a graph label, as the name. */
export function parseGraphml(xml: string, file: string): RawGraph {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    throw new TopologyError(file, `line ${line}, column ${col}`, 'well-formed XML', msg);
  }
  const document = newParser().parse(xml) as XmlElement;
  const root = document.graphml as XmlElement[] | undefined;
  if (root === undefined || root.length !== 1) {
    throw new TopologyError(file, 'graphml', 'one <graphml> root element', root === undefined ? 'none' : `${root.length}`);
  }
  const graphs = root[0].graph as XmlElement[] | undefined;
  if (graphs === undefined || graphs.length !== 1) {
    throw new TopologyError(file, 'graphml.graph', 'exactly one <graph> element', graphs === undefined ? 'none' : `${graphs.length}`);
  }
  const keys = readKeys(file, (root[0].key ?? []) as XmlElement[]);
  const graph = graphs[0];
  const nodeElements = (graph.node ?? []) as XmlElement[];
  const edgeElements = (graph.edge ?? []) as XmlElement[];
  if (nodeElements.length === 0) throw new TopologyError(file, 'graph.node', 'at least one node', 'none');

  const nodes: RawNode[] = [];
  const indexById = new Map<string, number>();
  nodeElements.forEach((element, i) => {
    const node = readNode(file, `graph.node[${i}]`, element, keys.node);
    if (indexById.has(node.id)) {
      throw new TopologyError(file, `graph.node[${i}].id`, 'an id not used by another node', `"${node.id}", also node ${indexById.get(node.id)}`);
    }
    indexById.set(node.id, i);
    nodes.push(node);
  });
  const edges = edgeElements.map((element, i) => readEdge(file, `graph.edge[${i}]`, element, keys.edge, indexById));
  const graphData = readData(file, 'graph', graph, keys.graph);
  const name = graphData.get('label') || basename(file, extname(file));
  return { name, nodes, edges };
}

type XmlElement = Record<string, unknown>;
/** attr.name -> key id, for each domain a key may apply to. */
interface KeyTable {
  node: Map<string, string>;
  edge: Map<string, string>;
  graph: Map<string, string>;
}

function newParser(): XMLParser {
  const repeated = new Set(['graphml', 'key', 'graph', 'node', 'edge', 'data']);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // Force arrays so that one node and many nodes look alike.
    isArray: (tagName) => repeated.has(tagName),
  });
}

function readKeys(file: string, elements: readonly XmlElement[]): KeyTable {
  const table: KeyTable = { node: new Map(), edge: new Map(), graph: new Map() };
  elements.forEach((element, i) => {
    const id = element['@_id'];
    const name = element['@_attr.name'];
    const domain = element['@_for'] ?? 'all';
    if (typeof id !== 'string' || id === '') throw new TopologyError(file, `graphml.key[${i}].id`, 'a key id', 'none');
    if (typeof name !== 'string') return; // keys without attr.name (yEd graphics) carry nothing we read
    for (const target of ['node', 'edge', 'graph'] as const) {
      if (domain !== target && domain !== 'all') continue;
      if (table[target].has(name)) {
        throw new TopologyError(file, `graphml.key[${i}]`, `one <key> named "${name}" for ${target}s`, `a second one, id "${id}"`);
      }
      table[target].set(name, id);
    }
  });
  return table;
}

/** The element's <data> values by attr.name (only declared keys of the element's domain). */
function readData(file: string, path: string, element: XmlElement, keyIds: Map<string, string>): Map<string, string> {
  const nameById = new Map<string, string>();
  for (const [name, id] of keyIds) nameById.set(id, name);
  const values = new Map<string, string>();
  const data = (element.data ?? []) as XmlElement[];
  data.forEach((datum, i) => {
    const key = datum['@_key'];
    const name = typeof key === 'string' ? nameById.get(key) : undefined;
    if (name === undefined) {
      throw new TopologyError(file, `${path}.data[${i}].key`, 'the id of a <key> declared for this element', key === undefined ? 'none' : `"${String(key)}"`);
    }
    const text = datum['#text'];
    values.set(name, text === undefined ? '' : String(text));
  });
  return values;
}

function readNode(file: string, path: string, element: XmlElement, keyIds: Map<string, string>): RawNode {
  const id = element['@_id'];
  if (typeof id !== 'string' || id === '') throw new TopologyError(file, `${path}.id`, 'a node id', 'none');
  const data = readData(file, path, element, keyIds);
  const latitude = readCoordinate(file, path, data, 'Latitude', 90);
  const longitude = readCoordinate(file, path, data, 'Longitude', 180);
  if (Number.isNaN(latitude) !== Number.isNaN(longitude)) {
    const missing = Number.isNaN(latitude) ? 'Latitude' : 'Longitude';
    throw new TopologyError(file, `${path}.${missing}`, 'both Latitude and Longitude, or neither', 'only one');
  }
  const internalText = data.get('Internal');
  if (internalText !== undefined && internalText !== '0' && internalText !== '1') {
    throw new TopologyError(file, `${path}.Internal`, '0 or 1', `"${internalText}"`);
  }
  return {
    id,
    label: data.get('label') || id,
    latitude,
    longitude,
    country: data.get('Country') ?? '',
    internal: internalText !== '0',
  };
}

/** A coordinate in degrees within [-limit, limit]; NaN when the key is absent. */
function readCoordinate(file: string, path: string, data: Map<string, string>, key: string, limit: number): number {
  const text = data.get(key);
  if (text === undefined) return NaN;
  const value = parseNumber(text);
  if (Number.isNaN(value)) throw new TopologyError(file, `${path}.${key}`, 'a number of degrees', `"${text}"`);
  if (value < -limit || value > limit) {
    throw new TopologyError(file, `${path}.${key}`, `degrees within [-${limit}, ${limit}]`, text);
  }
  return value;
}

function readEdge(
  file: string,
  path: string,
  element: XmlElement,
  keyIds: Map<string, string>,
  indexById: Map<string, number>,
): RawEdge {
  const endpoint = (attribute: 'source' | 'target'): number => {
    const id = element[`@_${attribute}`];
    const index = typeof id === 'string' ? indexById.get(id) : undefined;
    if (index === undefined) {
      throw new TopologyError(file, `${path}.${attribute}`, 'the id of a node', id === undefined ? 'none' : `"${String(id)}"`);
    }
    return index;
  };
  const source = endpoint('source');
  const target = endpoint('target');
  const data = readData(file, path, element, keyIds);
  const speedText = data.get('LinkSpeedRaw');
  let capacityBps = NaN;
  if (speedText !== undefined) {
    capacityBps = parseNumber(speedText);
    if (!(capacityBps > 0)) throw new TopologyError(file, `${path}.LinkSpeedRaw`, 'a positive number of bit/s', `"${speedText}"`);
  }
  return { source, target, capacityBps, label: data.get('LinkLabel') ?? '' };
}

/** Number(text) but strict: '' and whitespace are not 0, and non-finite values are NaN. */
export function parseNumber(text: string): number {
  if (text.trim() === '') return NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : NaN;
}
