// The C library through koffi (an FFI with prebuilt binaries), loaded once for the few libc calls node has no
// API for: fcntl locks (pidfile.ts), malloc_trim (malloc-trim.ts).
import type { LibraryHandle } from 'koffi';

export interface Libc {
  readonly koffi: (typeof import('koffi'))['default'];
  readonly lib: LibraryHandle;
}

let loaded: Promise<Libc | null> | undefined;

/** koffi and libc, or null where either cannot be loaded. */
export function libc(): Promise<Libc | null> {
  if (!loaded)
    loaded = (async () => {
      try {
        const { default: koffi } = await import('koffi');
        return { koffi, lib: koffi.load(process.platform === 'linux' ? 'libc.so.6' : 'libc.dylib') };
      } catch {
        return null;
      }
    })();
  return loaded;
}
