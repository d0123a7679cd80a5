// The ovn-nbctl 23.03 command table: names, argument counts and per-command options, exactly as the
// real tool declares them (so parse errors match). Implementations live in the cmd-*.ts modules and
// are loaded only when a command of that group runs, to keep one-shot start-up short.

export type Group = 'general' | 'switch' | 'router' | 'acl' | 'lb' | 'misc' | 'db';

export interface CommandSyntax {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Comma-separated like "--may-exist,--id=,--bfd?": "=" takes a value, "?" may take one. */
  readonly options: string;
  readonly group: Group;
}

const INF = Number.MAX_SAFE_INTEGER;

const TABLE: readonly (readonly [string, number, number, string, Group])[] = [
  ['init', 0, 0, '', 'general'],
  ['sync', 0, 0, '', 'general'],
  ['show', 0, 1, '', 'general'],
  ['ls-add', 0, 1, '--may-exist,--add-duplicate', 'switch'],
  ['ls-del', 1, 1, '--if-exists', 'switch'],
  ['ls-list', 0, 0, '', 'switch'],
  ['acl-add', 5, 6, '--log,--may-exist,--type=,--name=,--severity=,--meter=,--label=,--apply-after-lb', 'acl'],
  ['acl-del', 1, 4, '--type=', 'acl'],
  ['acl-list', 1, 1, '--type=', 'acl'],
  ['qos-add', 5, 7, '--may-exist', 'acl'],
  ['qos-del', 1, 4, '', 'acl'],
  ['qos-list', 1, 1, '', 'acl'],
  ['mirror-add', 5, 5, '--may-exist', 'misc'],
  ['mirror-del', 0, 1, '', 'misc'],
  ['mirror-list', 0, 0, '', 'misc'],
  ['meter-add', 4, 5, '--fair,--may-exist', 'acl'],
  ['meter-del', 0, 1, '', 'acl'],
  ['meter-list', 0, 0, '', 'acl'],
  ['lsp-add', 2, 4, '--may-exist', 'switch'],
  ['lsp-del', 1, 1, '--if-exists', 'switch'],
  ['lsp-list', 1, 1, '', 'switch'],
  ['lsp-get-parent', 1, 1, '', 'switch'],
  ['lsp-get-tag', 1, 1, '', 'switch'],
  ['lsp-set-addresses', 1, INF, '', 'switch'],
  ['lsp-get-addresses', 1, 1, '', 'switch'],
  ['lsp-set-port-security', 0, INF, '', 'switch'],
  ['lsp-get-port-security', 1, 1, '', 'switch'],
  ['lsp-get-up', 1, 1, '', 'switch'],
  ['lsp-set-enabled', 2, 2, '', 'switch'],
  ['lsp-get-enabled', 1, 1, '', 'switch'],
  ['lsp-set-type', 2, 2, '', 'switch'],
  ['lsp-get-type', 1, 1, '', 'switch'],
  ['lsp-set-options', 1, INF, '', 'switch'],
  ['lsp-get-options', 1, 1, '', 'switch'],
  ['lsp-set-dhcpv4-options', 1, 2, '', 'switch'],
  ['lsp-get-dhcpv4-options', 1, 1, '', 'switch'],
  ['lsp-set-dhcpv6-options', 1, 2, '', 'switch'],
  ['lsp-get-dhcpv6-options', 1, 1, '', 'switch'],
  ['lsp-get-ls', 1, 1, '', 'switch'],
  ['lsp-attach-mirror', 2, 2, '--may-exist', 'misc'],
  ['lsp-detach-mirror', 2, 2, '', 'misc'],
  ['fwd-group-add', 4, INF, '--liveness', 'misc'],
  ['fwd-group-del', 1, 1, '--if-exists', 'misc'],
  ['fwd-group-list', 0, 1, '', 'misc'],
  ['lr-add', 0, 1, '--may-exist,--add-duplicate', 'router'],
  ['lr-del', 1, 1, '--if-exists', 'router'],
  ['lr-list', 0, 0, '', 'router'],
  ['lrp-add', 4, INF, '--may-exist', 'router'],
  ['lrp-set-gateway-chassis', 2, 3, '--may-exist', 'router'],
  ['lrp-set-options', 1, INF, '', 'router'],
  ['lrp-del-gateway-chassis', 2, 2, '', 'router'],
  ['lrp-get-gateway-chassis', 1, 1, '', 'router'],
  ['lrp-del', 1, 1, '--if-exists', 'router'],
  ['lrp-list', 1, 1, '', 'router'],
  ['lrp-set-enabled', 2, 2, '', 'router'],
  ['lrp-get-enabled', 1, 1, '', 'router'],
  ['lrp-set-redirect-type', 2, 2, '', 'router'],
  ['lrp-get-redirect-type', 1, 1, '', 'router'],
  ['lr-route-add', 3, 4, '--may-exist,--ecmp,--ecmp-symmetric-reply,--policy=,--route-table=,--bfd?', 'router'],
  ['lr-route-del', 1, 4, '--if-exists,--policy=,--route-table=', 'router'],
  ['lr-route-list', 1, 1, '--route-table=', 'router'],
  ['lr-policy-add', 4, INF, '--may-exist', 'router'],
  ['lr-policy-del', 1, 3, '--if-exists', 'router'],
  ['lr-policy-list', 1, 1, '', 'router'],
  ['lr-nat-add', 4, 7, '--may-exist,--stateless,--portrange,--add-route,--gateway-port=', 'router'],
  ['lr-nat-del', 1, 4, '--if-exists', 'router'],
  ['lr-nat-list', 1, 1, '', 'router'],
  ['lr-nat-update-ext-ip', 4, 4, '--is-exempted', 'router'],
  ['lb-add', 3, 5, '--may-exist,--add-duplicate,--reject,--event,--add-route,--template', 'lb'],
  ['lb-del', 1, 2, '--if-exists', 'lb'],
  ['lb-list', 0, 1, '', 'lb'],
  ['lr-lb-add', 2, 2, '--may-exist', 'lb'],
  ['lr-lb-del', 1, 2, '--if-exists', 'lb'],
  ['lr-lb-list', 1, 1, '', 'lb'],
  ['ls-lb-add', 2, 2, '--may-exist', 'lb'],
  ['ls-lb-del', 1, 2, '--if-exists', 'lb'],
  ['ls-lb-list', 1, 1, '', 'lb'],
  ['dhcp-options-create', 1, INF, '', 'misc'],
  ['dhcp-options-del', 1, 1, '', 'misc'],
  ['dhcp-options-list', 0, 0, '', 'misc'],
  ['dhcp-options-set-options', 1, INF, '', 'misc'],
  ['dhcp-options-get-options', 1, 1, '', 'misc'],
  ['copp-add', 3, 3, '', 'misc'],
  ['copp-del', 1, 2, '', 'misc'],
  ['copp-list', 1, 1, '', 'misc'],
  ['ls-copp-add', 2, 2, '', 'misc'],
  ['lr-copp-add', 2, 2, '', 'misc'],
  ['get-connection', 0, 0, '', 'misc'],
  ['del-connection', 0, 0, '', 'misc'],
  ['set-connection', 1, INF, '--inactivity-probe=', 'misc'],
  ['get-ssl', 0, 0, '', 'misc'],
  ['del-ssl', 0, 0, '', 'misc'],
  ['set-ssl', 3, 5, '--bootstrap', 'misc'],
  ['pg-add', 1, INF, '', 'acl'],
  ['pg-set-ports', 2, INF, '', 'acl'],
  ['pg-del', 1, 1, '', 'acl'],
  ['ha-chassis-group-add', 1, 1, '', 'misc'],
  ['ha-chassis-group-del', 1, 1, '', 'misc'],
  ['ha-chassis-group-list', 0, 0, '', 'misc'],
  ['ha-chassis-group-add-chassis', 3, 3, '', 'misc'],
  ['ha-chassis-group-remove-chassis', 2, 2, '', 'misc'],
  ['ha-chassis-group-set-chassis-prio', 3, 3, '', 'misc'],
  ['static-mac-binding-add', 3, 3, '--may-exist', 'misc'],
  ['static-mac-binding-del', 2, 2, '--if-exists', 'misc'],
  ['static-mac-binding-list', 0, 0, '', 'misc'],
  // The generic database commands (db-ctl-base).
  ['comment', 0, INF, '', 'db'],
  ['get', 2, INF, '--if-exists,--id=', 'db'],
  ['list', 1, INF, '--if-exists,--columns=', 'db'],
  ['find', 1, INF, '--columns=', 'db'],
  ['set', 3, INF, '--if-exists', 'db'],
  ['add', 4, INF, '--if-exists', 'db'],
  ['remove', 4, INF, '--if-exists', 'db'],
  ['clear', 3, INF, '--if-exists', 'db'],
  ['create', 2, INF, '--id=', 'db'],
  ['destroy', 1, INF, '--if-exists,--all', 'db'],
  ['wait-until', 2, INF, '', 'db'],
];

export const COMMANDS: ReadonlyMap<string, CommandSyntax> = new Map(
  TABLE.map(([name, min, max, options, group]) => [name, { name, min, max, options, group }]),
);

/** Every per-command option, with whether it takes a value, for the global option parser. */
export function commandOptions(): Map<string, 'none' | 'required' | 'optional'> {
  const out = new Map<string, 'none' | 'required' | 'optional'>();
  for (const c of COMMANDS.values()) {
    for (const o of c.options.split(',')) {
      if (!o) continue;
      const name = o.replace(/^--/, '').replace(/[=?]$/, '');
      const kind = o.endsWith('=') ? 'required' : o.endsWith('?') ? 'optional' : 'none';
      if (!out.has(name) || kind !== 'none') out.set(name, kind);
    }
  }
  return out;
}
