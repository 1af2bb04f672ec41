/**
 * The committed notebooks: TypeScript on the tslab kernel, saved without outputs (they are
 * executed into a temporary folder by `npm run notebooks`), and tslab kept out of the root
 * package (its bundled TypeScript would take over node_modules/.bin/tsc).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/dist-build.js';

const NOTEBOOKS = join(ROOT, 'notebooks');

interface Cell {
  cell_type: string;
  id?: string;
  execution_count?: number | null;
  outputs?: unknown[];
  source: string[] | string;
}

interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name?: string; language?: string } };
  cells: Cell[];
}

const notebooks = readdirSync(NOTEBOOKS)
  .filter((name) => name.endsWith('.ipynb'))
  .map((name) => ({ name, notebook: JSON.parse(readFileSync(join(NOTEBOOKS, name), 'utf8')) as Notebook }));

describe('notebooks', () => {
  it('has a Vivaldi convergence notebook and a sweep notebook', () => {
    expect(notebooks.map((n) => n.name)).toEqual(expect.arrayContaining(['vivaldi-convergence.ipynb', 'sweep-aggregate.ipynb']));
  });

  it('declares the tslab TypeScript kernel in every notebook (scripts/run-notebooks.sh executes them; this test does not)', () => {
    for (const { name, notebook } of notebooks) {
      expect(notebook.nbformat, name).toBe(4);
      expect(notebook.metadata.kernelspec, name).toMatchObject({ name: 'tslab', language: 'typescript' });
    }
  });

  it('commits no outputs and no execution counts: notebooks are executed into a temporary folder', () => {
    for (const { name, notebook } of notebooks) {
      for (const [index, cell] of notebook.cells.entries()) {
        if (cell.cell_type !== 'code') continue;
        expect(cell.outputs, `${name} cell ${index}`).toEqual([]);
        expect(cell.execution_count, `${name} cell ${index}`).toBeNull();
      }
    }
  });

  it('pins tslab 1.0.22 in the notebooks package and keeps it out of the root package', () => {
    const own = JSON.parse(readFileSync(join(NOTEBOOKS, 'package.json'), 'utf8'));
    expect(own.dependencies.tslab).toBe('1.0.22');
    const lock = JSON.parse(readFileSync(join(NOTEBOOKS, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/tslab'].version).toBe('1.0.22');
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect({ ...root.dependencies, ...root.devDependencies }).not.toHaveProperty('tslab');
    expect(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).not.toMatch(/node_modules\/tslab"/);
  });

  it('ships an example sweep aggregate with the columns luc sweep writes', () => {
    const header = readFileSync(join(NOTEBOOKS, 'data/sweep-example/aggregate.csv'), 'utf8').split('\n', 1)[0];
    expect(header).toBe('protocols.vivaldi.dimensions,protocols.vivaldi.cc,metric,n,mean,sd,min,max,ci95_low,ci95_high');
  });
});
