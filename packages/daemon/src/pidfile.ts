// Pidfiles as OVS daemons keep them: the file holds the pid and the daemon holds a POSIX (fcntl)
// write lock on it for its whole life. ovs-appctl/ovn-appctl `-t NAME` read NAME.pid and refuse a file
// nobody has locked, or one locked by another pid than it names, so the lock must be taken by this very
// process. Node has no fcntl: libc's is called through koffi (an FFI with prebuilt binaries).
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync, fsyncSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { libc } from './libc.js';

const F_GETLK = 5;
const F_SETLK = 6;
const F_WRLCK = 1;
const F_UNLCK = 2;
const SEEK_SET = 0;

interface Flock {
  l_type: number;
  l_whence: number;
  l_start: number;
  l_len: number;
  l_pid: number;
}

type Fcntl = (fd: number, cmd: number, lock: Flock) => number;

export class PidfileError extends Error {
  override readonly name = 'PidfileError';
}

let fcntlFn: Fcntl | null | undefined;

/** libc fcntl on a struct flock, or null where koffi or libc cannot be loaded. */
async function fcntl(): Promise<Fcntl | null> {
  if (fcntlFn !== undefined) return fcntlFn;
  const c = await libc();
  if (!c) return (fcntlFn = null);
  const { koffi, lib } = c;
  try {
    // Linux layout: short, short, off_t, off_t, pid_t (koffi pads as the C compiler does); the
    // function's prototype names the type.
    koffi.struct('ovnts_flock', {
      l_type: 'short',
      l_whence: 'short',
      l_start: 'int64_t',
      l_len: 'int64_t',
      l_pid: 'int',
    });
    const fn = lib.func('int fcntl(int fd, int cmd, _Inout_ ovnts_flock *lock)');
    fcntlFn = (fd, cmd, lock) => fn(fd, cmd, lock) as number;
  } catch {
    fcntlFn = null;
  }
  return fcntlFn;
}

function wholeFile(type: number): Flock {
  return { l_type: type, l_whence: SEEK_SET, l_start: 0, l_len: 0, l_pid: 0 };
}

/**
 * The pid of the live process that holds `file` locked, 0 when the file is missing or stale (nobody
 * holds it), as ovs-appctl decides.
 */
export async function lockedPid(file: string): Promise<number> {
  const f = await fcntl();
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 0;
  }
  try {
    if (!f) return Number.parseInt(readFileSync(fd, 'utf8'), 10) || 0;
    const lock = wholeFile(F_WRLCK);
    if (f(fd, F_GETLK, lock) < 0) return 0;
    return lock.l_type === F_UNLCK ? 0 : lock.l_pid;
  } finally {
    closeSync(fd);
  }
}

export interface HeldPidfile {
  readonly path: string;
  /** Whether the fcntl lock is held (false where fcntl is unavailable). */
  readonly locked: boolean;
  /** Remove the file (on exit). The lock goes with the process. */
  remove(): void;
}

/**
 * Write this process's pid into `file` and hold it locked. Refuses when a live process holds it,
 * unless `overwrite` (--overwrite-pidfile). The file appears complete and locked at once: it is written
 * and locked under a temporary name, then renamed into place.
 */
export async function createPidfile(file: string, overwrite = false): Promise<HeldPidfile> {
  if (!overwrite) {
    const pid = await lockedPid(file);
    if (pid > 0 && pid !== process.pid) throw new PidfileError(`${file}: already running as pid ${pid}, aborting`);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp${process.pid}`;
  const fd = openSync(tmp, 'w+', 0o644);
  const f = await fcntl();
  let locked = false;
  if (f) {
    if (f(fd, F_SETLK, wholeFile(F_WRLCK)) < 0) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw new PidfileError(`${tmp}: fcntl: could not lock pidfile`);
    }
    locked = true;
  }
  writeSync(fd, `${process.pid}\n`);
  fsyncSync(fd);
  renameSync(tmp, file);
  // The descriptor stays open for the process's life: closing any descriptor of the file would drop the lock.
  return {
    path: file,
    locked,
    remove: () => rmSync(file, { force: true }),
  };
}
