/**
 * `luc map`: a backbone on a map (country outlines, PoPs, links; a cloud run's VMs and
 * migrations), beside a run's Vivaldi coordinates, or a matrix run's Vivaldi plane alone; in
 * the formats of --format. Thin: parse, call src/plot/, map errors to exit codes.
 */
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { writeChart } from '../plot/chart-formats.js';
import { PlotInputError } from '../plot/errors.js';
import { mapSvg } from '../plot/map-chart.js';
import { loadMapData } from '../plot/map-data.js';
import { isRunFolder } from '../plot/run-folder.js';
import { reportError, UsageError } from './exit-codes.js';
import { chartFormats, FORMAT_HELP, FORMAT_OPTION } from './format-option.js';

export function registerMapCommand(program: Command): void {
  program
    .command('map')
    .argument('<topology-or-results>', 'a GraphML topology, or a results folder of a run (on a backbone, or over an RTT matrix with Vivaldi coordinates)')
    .option('--out <file>', 'SVG file to write (default: DIR/map.svg for a results folder, <name>-map.svg for a GraphML file); other formats beside it')
    .option('--topology <file>', "GraphML file to use instead of the one a run's scenario.json names")
    .option(FORMAT_OPTION, FORMAT_HELP)
    .description("map: country outlines under PoPs sized by hosts (a cloud run: by VMs at the end, arrows where VMs migrated), links by bandwidth (dashed when a fault takes them down); beside it, a run's Vivaldi coordinates")
    .action((input: string, options: { out?: string; topology?: string; format?: string }) => {
      try {
        const formats = chartFormats(options.format);
        const svg = mapSvg(loadMapData(input, options.topology));
        const out = options.out ?? (isRunFolder(input) ? join(input, 'map.svg') : `${basename(input, extname(input))}-map.svg`);
        for (const path of writeChart(out.replace(/\.(svg|png|pdf)$/i, '') + '.svg', svg, formats)) process.stdout.write(`${path}\n`);
      } catch (error) {
        process.exitCode = reportError(error instanceof PlotInputError ? new UsageError(error.message) : error, undefined);
      }
    });
}
