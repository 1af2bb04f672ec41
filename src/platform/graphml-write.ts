import type { RawGraph } from './types.js';

/**
 * RawGraph -> GraphML in Internet Topology Zoo style (keys label, Latitude, Longitude, Country,
 * Internal, LinkLabel, LinkSpeedRaw), so that generated backbones load through the same
 * loader as real ones. Numbers are written with JavaScript's shortest round-trip form, so
 * parseGraphml(writeGraphml(g)) gives back g exactly; absent values (NaN) are left out, as the
 * Zoo does. The output depends only on the graph: same graph, same bytes.
 */
const KEYS = [
  { id: 'd0', name: 'label', type: 'string', domain: 'graph' },
  { id: 'd1', name: 'label', type: 'string', domain: 'node' },
  { id: 'd2', name: 'Latitude', type: 'double', domain: 'node' },
  { id: 'd3', name: 'Longitude', type: 'double', domain: 'node' },
  { id: 'd4', name: 'Country', type: 'string', domain: 'node' },
  { id: 'd5', name: 'Internal', type: 'int', domain: 'node' },
  { id: 'd6', name: 'LinkLabel', type: 'string', domain: 'edge' },
  { id: 'd7', name: 'LinkSpeedRaw', type: 'double', domain: 'edge' },
] as const;

export function writeGraphml(graph: RawGraph): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  for (const key of KEYS) {
    lines.push(`  <key attr.name="${key.name}" attr.type="${key.type}" for="${key.domain}" id="${key.id}" />`);
  }
  lines.push('  <graph edgedefault="undirected">');
  lines.push(`    <data key="d0">${escapeXml(graph.name)}</data>`);
  for (const node of graph.nodes) {
    lines.push(`    <node id="${escapeXml(node.id)}">`);
    lines.push(`      <data key="d1">${escapeXml(node.label)}</data>`);
    if (!Number.isNaN(node.latitude)) {
      lines.push(`      <data key="d2">${String(node.latitude)}</data>`);
      lines.push(`      <data key="d3">${String(node.longitude)}</data>`);
    }
    lines.push(`      <data key="d4">${escapeXml(node.country)}</data>`);
    lines.push(`      <data key="d5">${node.internal ? 1 : 0}</data>`);
    lines.push('    </node>');
  }
  for (const edge of graph.edges) {
    const source = escapeXml(graph.nodes[edge.source].id);
    const target = escapeXml(graph.nodes[edge.target].id);
    lines.push(`    <edge source="${source}" target="${target}">`);
    lines.push(`      <data key="d6">${escapeXml(edge.label)}</data>`);
    if (!Number.isNaN(edge.capacityBps)) lines.push(`      <data key="d7">${String(edge.capacityBps)}</data>`);
    lines.push('    </edge>');
  }
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}
