// One string per UUID value among the values decoded in one synchronous run. A monitor reply names each
// referenced row once per reference (a chassis's SB slice at 100×50: 23.7k Logical_Flow rows naming ~200
// datapaths, 5.2k port bindings…), and each ["uuid", u] that JSON.parse reads is its own string of 56 bytes:
// 45k of the 105k UUID strings a controller held were copies (~2.5 MB). Decoders pass UUIDs through shareUuid,
// which hands out the first string of that value it saw. The table is emptied at the next microtask
// checkpoint: it never keeps a string alive beyond the run that decoded it (a sliced decode gets a fresh
// table per slice; a few copies per slice remain), and it costs nothing between updates.
const seen = new Map<string, string>();
let clearQueued = false;

function clearSeen(): void {
  seen.clear();
  clearQueued = false;
}

/** `u`, or an equal string already handed out in this synchronous run. */
export function shareUuid(u: string): string {
  const s = seen.get(u);
  if (s !== undefined) return s;
  seen.set(u, u);
  if (!clearQueued) {
    clearQueued = true;
    queueMicrotask(clearSeen);
  }
  return u;
}

/** UUIDs in the table now (tests). */
export function sharedUuidCount(): number {
  return seen.size;
}
