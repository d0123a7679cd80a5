// The benches' /proc readers live in the harness (the controller benches use them too).
export { cpuSeconds, vmHwmMb } from '@ovnts/test-harness/servers';
