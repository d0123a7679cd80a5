// The snapshot types of the two databases the controller reads, apart from the modules that compute on them
// (view.ts, ovs-state.ts) so that helpers both of those use (bfd.ts) import no cycle.
import type { Snapshot } from 'ovsdb-client-ts';
import type { Tables as SbTables } from '@ovnts/schema/sb';
import type { Tables as VsTables } from '@ovnts/schema/vswitch';

export type SbSnapshot = Snapshot<SbTables>;
export type VsSnapshot = Snapshot<VsTables>;
