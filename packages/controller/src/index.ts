// @ovnts/controller: ovnts-controller, the chassis controller that turns the OVN southbound DB into OpenFlow.
export { startController, type ControllerOptions, type ControllerHandle, type ControllerStats } from './controller.js';
export { parseChassisConfig, parseBridgeMappings, ConfigError, type ChassisConfig, type EncapType } from './config.js';
export { buildLocalView, uuidCookie, type LocalView, type OvsIface, type SbSnapshot } from './view.js';
export { planBindings, type BindingPlan } from './bindings.js';
export { assignZones, zonesFromExternalIds } from './zones.js';
export { physicalFlows, GENEVE_TLV, type PhysicalContext } from './physical.js';
export { logicalFlows, LflowCache, type LogicalResult } from './logical.js';
export { neighborFlows } from './neighbor.js';
export { GroupTable } from './groups.js';
export { computeChassis, type ComputeInput, type ComputeResult } from './compute.js';
export { compareFlows, normalizeFlows, formatParity, type ParityReport } from './parity.js';
export { bridgeIfaces, findBridge } from './ovs-state.js';
export { applyFlowMods, describeRefused, type Refused } from './install.js';
export { FlowInstaller, type FlowInstallerOptions } from './flow-installer.js';
export { DesiredFlows } from './flow-table.js';
