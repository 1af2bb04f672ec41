/**
 * What `luc deploy` ships to each machine, once, as one gzipped tar: the built project (`dist/`,
 * `package.json` and the packages it needs at run time, the dev tools left out) under `luc/`, and
 * the scenario file with the files it names (topology, load trace) under `scenario/`, their
 * relative layout kept so the scenario finds them. Everything is tarred through symlinks
 * (`tar -h`), so nothing is copied but the scenario's files. The packages are found as Node finds
 * them, so an installed luc (its packages hoisted beside it, no package-lock.json) ships as a
 * checkout does.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Scenario } from '../../scenario/schema.js';
import { LiveConfigError } from '../../runtime/live/live-errors.js';

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** The folder of package `name` as Node resolves it from `fromDir`: the nearest node_modules/name up the tree. */
function packageDir(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The packages the project needs at run time: its dependencies and theirs, each as
 * `node_modules/<name>` with the folder it is in here, sorted by name; with `only`, of the
 * project's dependencies only those (the packages an entry point imports), a name that is not
 * one of them throwing (a dev tool imported at run time). A package nested in its parent's own
 * node_modules travels with its parent. A missing one (node_modules out of step with
 * package.json) throws, naming it: run npm ci.
 */
export function productionPackages(packageRoot: string, only?: readonly string[]): { readonly path: string; readonly dir: string }[] {
  const found = new Map<string, string>();
  const root = realpathSync(packageRoot);
  const rootDependencies = Object.keys(readPackageJson(root).dependencies ?? {});
  for (const name of only ?? []) {
    if (!rootDependencies.includes(name)) throw new LiveConfigError(join(root, 'package.json'), `dependencies.${name}`, 'a dependency (the build imports it at run time)', 'not listed');
  }
  const visit = (fromDir: string, owner: string): void => {
    const manifest = readPackageJson(fromDir);
    const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
    const names = fromDir === root && only !== undefined ? [...only] : [...Object.keys(manifest.dependencies ?? {}), ...optional];
    for (const name of names) {
      const dir = packageDir(name, fromDir);
      if (dir === null) {
        if (optional.has(name)) continue;
        throw new LiveConfigError(join(fromDir, 'package.json'), `dependencies.${name}`, `the package installed (node_modules out of step with ${owner}'s package.json: run npm ci)`, 'no such package');
      }
      if (fromDir !== root && dir.startsWith(`${fromDir}${sep}`)) continue; // nested in its parent: tarred with it
      const known = found.get(name);
      if (known === dir) continue;
      if (known !== undefined) throw new LiveConfigError(join(fromDir, 'package.json'), `dependencies.${name}`, `the version installed at ${known} (luc deploy ships one flat node_modules)`, dir);
      found.set(name, dir);
      visit(dir, name);
    }
  };
  visit(root, 'luc');
  return [...found].map(([name, dir]) => ({ path: `node_modules/${name}`, dir })).sort((a, b) => (a.path < b.path ? -1 : 1));
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
    ...(packages === null ? ['luc/node_modules/{the packages luc needs at run time}'] : packages.map((p) => `luc/${p}`)),
    ...files.map((f) => `scenario/${relative(root, f).split(sep).join('/')}`),
  ];
}

/** The folder tar reads from: `luc/` symlinks to the project's dist, package.json and packages, `scenario/` the scenario's files. */
export function prepareShipDir(shipDir: string, packageRoot: string, packages: readonly { readonly path: string; readonly dir: string }[], files: readonly string[]): void {
  mkdirSync(join(shipDir, 'luc'), { recursive: true });
  for (const name of ['dist', 'package.json']) symlinkSync(resolve(packageRoot, name), join(shipDir, 'luc', name));
  for (const { path, dir } of packages) {
    mkdirSync(dirname(join(shipDir, 'luc', path)), { recursive: true });
    symlinkSync(dir, join(shipDir, 'luc', path));
  }
  const root = commonFolder(files);
  for (const file of files) {
    const target = join(shipDir, 'scenario', relative(root, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
}
