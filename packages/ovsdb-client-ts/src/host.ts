// The narrow views of the client that a Replica and a Transaction need. The client implements them; the
// replica and transaction modules import only these types, so neither imports client.ts back.
import type { CallOptions } from './call.js';
import type { RpcSession } from './rpc.js';

export type MonitorMethod = 'monitor_cond_since' | 'monitor_cond' | 'monitor';

/** What a monitor (a Replica) needs from the client: notifications, and a hook to resubscribe. */
export interface MonitorHandle {
  onNotification(method: string, params: readonly unknown[]): void;
  /** The server cancelled the monitor (the database was converted or removed): subscribe again. */
  onCanceled(session: RpcSession): void;
  /** Called on each new session (before waiters are released); must re-issue the monitor request. */
  resume(session: RpcSession): Promise<void>;
}

/** What a Replica needs from its client: a session, a monitor id, and the routing of notifications. */
export interface MonitorHost {
  connected(call?: CallOptions): Promise<RpcSession>;
  nextMonitorId(): string;
  registerMonitor(id: string, handle: MonitorHandle): void;
  unregisterMonitor(id: string): void;
  /** Best monitor method the server accepted (learned once per client). */
  monitorMethod: MonitorMethod | undefined;
}

/** What a Transaction needs from its client: one request at a time. */
export interface RequestHost {
  request(method: string, params: readonly unknown[], call?: CallOptions): Promise<unknown>;
}
