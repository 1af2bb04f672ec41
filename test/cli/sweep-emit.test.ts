import { describe, expect, it } from 'vitest';
import { jobScript, scriptPathProblem, type JobScriptOptions } from '../../src/cli/sweep/emit.js';

const OPTIONS: JobScriptOptions = {
  scheduler: 'slurm',
  sweepDir: '/home/me/results/renater-vivaldi/sweep',
  workDir: '/home/me/luc',
  lucCommand: 'node /home/me/luc/dist/cli/main.js',
  scenarioName: 'renater-vivaldi',
  pointCount: 9,
  seedCount: 5,
  coresPerTask: 4,
  walltime: '2:00:00',
};

function lastIndexWhere(lines: readonly string[], test: (line: string) => boolean): number {
  for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i])) return i;
  return -1;
}

describe('job-array scripts', () => {
  it('gives Slurm one array task per grid point, 0 to K, each running run-task on its index', () => {
    const script = jobScript(OPTIONS);
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines).toContain('#SBATCH --array=0-8');
    expect(lines).toContain('#SBATCH --cpus-per-task=4');
    expect(lines).toContain('#SBATCH --time=2:00:00');
    expect(lines).toContain('#SBATCH --output=/home/me/results/renater-vivaldi/sweep/logs/task-%a.out');
    expect(lines).toContain('cd /home/me/luc');
    expect(lines).toContain(`LUC=\${LUC:-'node /home/me/luc/dist/cli/main.js'}`);
    expect(lines).toContain('TASK=$SLURM_ARRAY_TASK_ID');
    expect(lines).toContain('exec $LUC sweep run-task /home/me/results/renater-vivaldi/sweep --task "$TASK" --jobs 4 --quiet');
    // directives come before the first command, or sbatch ignores them
    const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
    expect(lastIndexWhere(lines, (l) => l.startsWith('#SBATCH'))).toBeLessThan(firstCommand);
  });

  it('gives OAR an array of as many subjobs as points, numbered from 1, so the task is OAR_ARRAY_INDEX - 1', () => {
    const lines = jobScript({ ...OPTIONS, scheduler: 'oar' }).split('\n');
    expect(lines).toContain('#OAR --array 9');
    expect(lines).toContain('#OAR -l /nodes=1/core=4,walltime=2:00:00');
    expect(lines).toContain('TASK=$((OAR_ARRAY_INDEX - 1))');
    expect(lines).toContain('exec $LUC sweep run-task /home/me/results/renater-vivaldi/sweep --task "$TASK" --jobs 4 --quiet');
    const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
    expect(lastIndexWhere(lines, (l) => l.startsWith('#OAR'))).toBeLessThan(firstCommand);
  });

  it('refuses paths that directives and an unquoted $LUC cannot carry', () => {
    expect(scriptPathProblem('/home/me/my results')).toMatch(/whitespace/);
    expect(scriptPathProblem('/home/me/100%')).not.toBeNull();
    expect(scriptPathProblem('/home/me/results/sweep-1')).toBeNull();
  });
});
