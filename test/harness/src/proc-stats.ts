// What the benchmarks read of a process from /proc: its CPU seconds, its peak and its private resident memory.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Fields of /proc/<pid>/status in kB (VmHWM, VmRSS, RssAnon, RssFile…); empty once the process is gone. */
export function procStatusKb(pid: number): Map<string, number> {
  const kb = new Map<string, number>();
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return kb;
  }
  for (const m of status.matchAll(/^(\w+):\s+(\d+) kB$/gm)) kb.set(m[1]!, Number(m[2]));
  return kb;
}

/** Peak resident memory (VmHWM) of a process in MB; NaN once it is gone. */
export function vmHwmMb(pid: number): number {
  return (procStatusKb(pid).get('VmHWM') ?? NaN) / 1024;
}

/**
 * Private resident memory (RssAnon: heap, stacks; not the program's file pages, which every process running the
 * same binary shares) of a process in MB now; NaN once it is gone.
 */
export function rssAnonMb(pid: number): number {
  return (procStatusKb(pid).get('RssAnon') ?? NaN) / 1024;
}

/** User + system CPU seconds of a process so far (all its threads); NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
