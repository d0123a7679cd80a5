// Typed views of the three databases ovnts speaks: OVN_Northbound, OVN_Southbound and Open_vSwitch.
// Import a single database as `import type { LogicalSwitch } from '@ovnts/schema/nb'`, or all three here.
export * as nb from './nb.js';
export * as sb from './sb.js';
export * as vswitch from './vswitch.js';
