/**
 * What `luc deploy` ships to each machine, once, as one gzipped tar: the built project (`dist/`,
 * `package.json` and the production packages of `package-lock.json`, the dev tools left out) under
 * `luc/`, and the scenario file with the files it names (topology, load trace) under `scenario/`,
 * their relative layout kept so the scenario finds them. The project's own files are tarred
 * through a symlink (`tar -h`), so nothing is copied but the scenario's files.
 */
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Scenario } from '../../scenario/schema.js';

/** Top-level packages the built project needs at run time (nested ones come with their parent). */
export function productionPackages(packageRoot: string): string[] {
  const lock = JSON.parse(readFileSync(join(packageRoot, 'package-lock.json'), 'utf8')) as { packages?: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages ?? {})
    .filter(([path, entry]) => path.startsWith('node_modules/') && !path.slice('node_modules/'.length).includes('/node_modules/') && entry.dev !== true)
    .map(([path]) => path)
    .sort();
}

/** The scenario file and the files it names, as absolute paths. */
export function scenarioFiles(scenarioFile: string, scenario: Scenario): string[] {
  const files = [resolve(scenarioFile)];
  if (scenario.topology.kind !== 'generate') files.push(resolve(scenario.topology.file));
  if (scenario.cloud !== undefined && scenario.cloud.workload.kind === 'trace') files.push(resolve(scenario.cloud.workload.file));
  return files;
}

/** The deepest folder holding every file. */
export function commonFolder(files: readonly string[]): string {
  let folder = dirname(files[0]);
  while (!files.every((f) => f.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`))) folder = dirname(folder);
  return folder;
}

/** Where the scenario file lands in the run folder of each machine. */
export function remoteScenarioPath(files: readonly string[]): string {
  return `scenario/${relative(commonFolder(files), files[0]).split(sep).join('/')}`;
}

/** The tar command of the build: `packages` null prints a placeholder instead of the list (the dry run). */
export function tarballCommand(shipDir: string, tarball: string, files: readonly string[], packages: readonly string[] | null): string[] {
  const root = commonFolder(files);
  return [
    'tar', 'czhf', tarball, '-C', shipDir, 'luc/dist', 'luc/package.json',
    ...(packages === null ? ['luc/node_modules/{the production packages of package-lock.json}'] : packages.map((p) => `luc/${p}`)),
    ...files.map((f) => `scenario/${relative(root, f).split(sep).join('/')}`),
  ];
}

/** The folder tar reads from: `luc` a symlink to the project, `scenario/` the scenario's files. */
export function prepareShipDir(shipDir: string, packageRoot: string, files: readonly string[]): void {
  mkdirSync(shipDir, { recursive: true });
  symlinkSync(resolve(packageRoot), join(shipDir, 'luc'));
  const root = commonFolder(files);
  for (const file of files) {
    const target = join(shipDir, 'scenario', relative(root, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
}
