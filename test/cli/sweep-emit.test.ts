import { describe, expect, it } from 'vitest';
import { jobScript, oarWalltime, parseWalltime, scriptPathProblem, slurmTime, type JobScriptOptions } from '../../src/cli/sweep/emit.js';

const OPTIONS: JobScriptOptions = {
  scheduler: 'slurm',
  sweepDir: '/home/me/results/renater-vivaldi/sweep',
  workDir: '/home/me/luc',
  lucCommand: 'node /home/me/luc/dist/cli/main.js',
  scenarioName: 'renater-vivaldi',
  pointCount: 9,
  seedCount: 5,
  coresPerTask: 4,
  walltimeS: 7200,
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

  it("writes the hours meant in each scheduler's documented syntax: Slurm's --time as its sbatch(1) formats read it, OAR's walltime as hour:mn:sec", () => {
    const cases: [string, number][] = [['2', 7200], ['1:30', 5400], ['0:05', 300], ['1:00:00', 3600], ['0:00:30', 30], ['36', 129_600], ['49:30:15', 178_215]];
    for (const [text, seconds] of cases) {
      expect(parseWalltime(text), text).toBe(seconds);
      const slurm = jobScript({ ...OPTIONS, walltimeS: seconds }).split('\n').find((l) => l.startsWith('#SBATCH --time='))?.slice('#SBATCH --time='.length) ?? '';
      expect(slurmSeconds(slurm), `${text} -> Slurm ${slurm}`).toBe(seconds);
      const oar = /walltime=(\S+)$/.exec(jobScript({ ...OPTIONS, scheduler: 'oar', walltimeS: seconds }).split('\n').find((l) => l.startsWith('#OAR -l')) ?? '')?.[1] ?? '';
      expect(oarSeconds(oar), `${text} -> OAR ${oar}`).toBe(seconds);
    }
    expect(slurmTime(7200)).toBe('2:00:00');
    expect(slurmTime(5400)).toBe('1:30:00');
    expect(slurmTime(129_600)).toBe('1-12:00:00');
    expect(oarWalltime(129_600)).toBe('36:00:00');
  });

  it('refuses walltimes that are not hours first, 0, or beyond a year', () => {
    for (const text of ['', '0', '0:00:00', '1:60', '1:30:75', '1-12', '90m', '1.5', '8785']) expect(parseWalltime(text), text).toBeNull();
    expect(parseWalltime('8784')).toBe(8784 * 3600);
  });
});

/** Slurm's reading of a --time value (sbatch(1): "minutes", "minutes:seconds", "hours:minutes:seconds", "days-hours", "days-hours:minutes", "days-hours:minutes:seconds"). */
function slurmSeconds(text: string): number {
  const dayForm = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text);
  if (dayForm !== null) return Number(dayForm[1]) * 86_400 + Number(dayForm[2]) * 3600 + Number(dayForm[3] ?? 0) * 60 + Number(dayForm[4] ?? 0);
  const parts = text.split(':').map(Number);
  if (parts.some((n) => !Number.isInteger(n))) return NaN;
  if (parts.length === 1) return parts[0] * 60;
  if (parts.length === 2) return parts[0] * 60 + parts[1];
  if (parts.length === 3) return parts[0] * 3600 + parts[1] * 60 + parts[2];
  return NaN;
}

/** OAR's reading of a walltime (oarsub(1): [hour:mn:sec|hour:mn|hour]). */
function oarSeconds(text: string): number {
  const parts = text.split(':').map(Number);
  if (parts.length > 3 || parts.some((n) => !Number.isInteger(n))) return NaN;
  return (parts[0] ?? 0) * 3600 + (parts[1] ?? 0) * 60 + (parts[2] ?? 0);
}
