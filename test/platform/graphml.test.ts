import { describe, expect, it } from 'vitest';
import { loadGraphml, parseGraphml } from '../../src/platform/graphml.js';
import { writeGraphml } from '../../src/platform/graphml-write.js';
import { TopologyError } from '../../src/platform/types.js';
import { fixturePath, topologyPath } from './paths.js';

function errorOf(load: () => unknown): TopologyError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return error as TopologyError;
  }
  throw new Error('expected a TopologyError');
}

describe('GraphML loader', () => {
  it('loads Renater2010 with 43 nodes, 37 of them with coordinates, and 56 edges', () => {
    const graph = loadGraphml(topologyPath('Renater2010.graphml'));
    expect(graph.name).toBe('Renater2010');
    expect(graph.nodes).toHaveLength(43);
    expect(graph.nodes.filter((node) => !Number.isNaN(node.latitude))).toHaveLength(37);
    expect(graph.edges).toHaveLength(56);
  });

  it('reads Renater2010 Bordeaux at 44.83333 N 0.56667 W, internal, in France', () => {
    const graph = loadGraphml(topologyPath('Renater2010.graphml'));
    expect(graph.nodes[0]).toEqual({ id: '0', label: 'Bordeaux', latitude: 44.83333, longitude: -0.56667, country: 'France', internal: true });
  });

  it('reads the 155 Mbps LinkSpeedRaw of Renater2010 links as 155e6 bit/s', () => {
    const graph = loadGraphml(topologyPath('Renater2010.graphml'));
    expect(new Set(graph.edges.map((edge) => edge.capacityBps))).toEqual(new Set([155e6]));
  });

  it('marks virtual nodes such as SFINX (Internal = 0) as not internal', () => {
    const graph = loadGraphml(topologyPath('Renater2010.graphml'));
    expect(graph.nodes.find((node) => node.label === 'SFINX')?.internal).toBe(false);
  });

  it('loads all 8 Topology Zoo files although their key ids differ', () => {
    const expected: [string, number, number][] = [
      ['Abilene', 11, 14], ['Cogentco', 197, 245], ['Garr201201', 61, 89], ['Geant2012', 40, 61],
      ['Renater2006', 33, 43], ['Renater2008', 33, 43], ['Renater2010', 43, 56], ['Uninett2011', 69, 98],
    ];
    for (const [name, nodeCount, edgeCount] of expected) {
      const graph = loadGraphml(topologyPath(`${name}.graphml`));
      expect([graph.name, graph.nodes.length, graph.edges.length]).toEqual([name, nodeCount, edgeCount]);
    }
  });

  it('resolves keys by attr.name, not position: a file with keys in another order reads the same', () => {
    const text = writeGraphml(loadGraphml(fixturePath('valid-two-pops.graphml')));
    const reordered = text.replace(/ id="d2"/, ' id="dX"').replace(/key="d2"/g, 'key="dX"');
    expect(parseGraphml(reordered, 'reordered.graphml')).toEqual(parseGraphml(text, 'other.graphml'));
  });

  it('writes Renater2010 back to GraphML that reloads identically', () => {
    const graph = loadGraphml(topologyPath('Renater2010.graphml'));
    expect(parseGraphml(writeGraphml(graph), 'copy.graphml')).toEqual(graph);
  });

  it('escapes &, <, > and quotes in written labels', () => {
    const graph = { name: 'a&b', nodes: [{ id: 'n"1', label: 'R&D <lab>', latitude: 1, longitude: 2, country: "Côte d'Ivoire", internal: false }], edges: [] };
    expect(parseGraphml(writeGraphml(graph), 'x.graphml')).toEqual(graph);
  });

  const malformed: [string, string][] = [
    ['not-xml.graphml', "line 1, column 1: expected well-formed XML, found char 'P' is not expected."],
    ['no-graph.graphml', 'graphml.graph: expected exactly one <graph> element, found none'],
    ['empty-graph.graphml', 'graph.node: expected at least one node, found none'],
    ['edge-to-unknown-node.graphml', 'graph.edge[0].target: expected the id of a node, found "7"'],
    ['latitude-not-a-number.graphml', 'graph.node[3].Latitude: expected a number of degrees, found "north"'],
    ['latitude-out-of-range.graphml', 'graph.node[1].Latitude: expected degrees within [-90, 90], found 145.75'],
    ['duplicate-node-id.graphml', 'graph.node[2].id: expected an id not used by another node, found "1", also node 1'],
    ['link-speed-not-a-number.graphml', 'graph.edge[0].LinkSpeedRaw: expected a positive number of bit/s, found "fast"'],
    ['undeclared-key.graphml', 'graph.node[1].data[0].key: expected the id of a <key> declared for this element, found "d9"'],
  ];
  for (const [file, message] of malformed) {
    it(`rejects ${file} naming the file and the field: "${message}"`, () => {
      const path = fixturePath(file);
      const error = errorOf(() => loadGraphml(path));
      expect(error.message).toBe(`${path}: ${message}`);
      expect(error.file).toBe(path);
    });
  }

  it('rejects a missing file with a TopologyError, not a stack trace', () => {
    expect(errorOf(() => loadGraphml('/nonexistent/x.graphml')).field).toBe('file');
  });
});
