// @ovnts/daemon: what makes an ovnts program behave like an OVS/OVN daemon on the command line, on
// its control socket and in its logs.
export * from './vlog/levels.js';
export * from './vlog/spec.js';
export * from './vlog/format.js';
export * from './vlog/vlog.js';
export * from './vlog/pino-stream.js';
export * from './getopt.js';
export * from './options.js';
export * from './pidfile.js';
export * from './unixctl.js';
export * from './unixctl-client.js';
export * from './ssl-watch.js';
export * from './version.js';
export * from './daemon.js';
export * from './inc-engine.js';
export * from './loop-monitor.js';
export * from './stopwatch.js';
export * from './heap-growth.js';
export * from './idle-trim.js';
export * from './malloc-trim.js';
