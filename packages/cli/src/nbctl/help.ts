// The command part of `ovnts-nbctl --help`: every command with its arguments, grouped as ovn-nbctl's
// help groups them, each with a one-line description (ovnts's own words). usage.test.ts checks that
// every command of the syntax table is here and nothing else.

/** [syntax (command name first, after any options), what it does]. */
type Entry = readonly [syntax: string, what: string];

export const HELP_SECTIONS: readonly (readonly [title: string, entries: readonly Entry[]])[] = [
  [
    'General commands',
    [
      ['init', 'create the NB_Global row if there is none'],
      ['sync', 'do nothing, but with --wait wait for northd (and chassis) to catch up'],
      ['show [SWITCH | ROUTER]', 'summary of switches, routers and their ports'],
    ],
  ],
  [
    'Logical switch commands',
    [
      ['[--may-exist | --add-duplicate] ls-add [SWITCH]', 'add a logical switch'],
      ['[--if-exists] ls-del SWITCH', 'delete SWITCH with its ports'],
      ['ls-list', 'list logical switches'],
    ],
  ],
  [
    'ACL commands',
    [
      [
        '[--type={switch | port-group}] [--log] [--severity=SEVERITY] [--name=NAME] [--meter=METER] [--label=LABEL] [--may-exist] [--apply-after-lb] acl-add {SWITCH | PORTGROUP} DIRECTION PRIORITY MATCH ACTION',
        'add an ACL',
      ],
      ['[--type={switch | port-group}] acl-del {SWITCH | PORTGROUP} [DIRECTION [PRIORITY MATCH]]', 'delete ACLs'],
      ['[--type={switch | port-group}] acl-list {SWITCH | PORTGROUP}', 'list ACLs'],
    ],
  ],
  [
    'QoS commands',
    [
      ['[--may-exist] qos-add SWITCH DIRECTION PRIORITY MATCH [rate=RATE [burst=BURST]] [dscp=DSCP]', 'add a QoS rule'],
      ['qos-del SWITCH [{DIRECTION | UUID} [PRIORITY MATCH]]', 'delete QoS rules'],
      ['qos-list SWITCH', 'list QoS rules'],
    ],
  ],
  [
    'Mirror commands',
    [
      ['[--may-exist] mirror-add NAME TYPE INDEX FILTER IP', 'add a port mirror (TYPE gre or erspan)'],
      ['mirror-del [NAME]', 'delete one mirror, or all'],
      ['mirror-list', 'list mirrors'],
    ],
  ],
  [
    'Meter commands',
    [
      ['[--fair] [--may-exist] meter-add NAME ACTION RATE UNIT [BURST]', 'add a meter'],
      ['meter-del [NAME]', 'delete one meter, or all'],
      ['meter-list', 'list meters'],
    ],
  ],
  [
    'Logical switch port commands',
    [
      ['[--may-exist] lsp-add SWITCH PORT [PARENT TAG]', 'add PORT to SWITCH (a child port with PARENT and TAG)'],
      ['[--if-exists] lsp-del PORT', 'delete PORT'],
      ['lsp-list SWITCH', "list SWITCH's ports"],
      ['lsp-get-parent PORT', "PORT's parent port"],
      ['lsp-get-tag PORT', "PORT's VLAN tag"],
      ['lsp-set-addresses PORT [ADDRESS]...', "set PORT's addresses (MAC [IP]..., dynamic, router, unknown)"],
      ['lsp-get-addresses PORT', "PORT's addresses"],
      ['lsp-set-port-security PORT [ADDRS]...', "set PORT's port security"],
      ['lsp-get-port-security PORT', "PORT's port security"],
      ['lsp-get-up PORT', 'whether PORT is up'],
      ['lsp-set-enabled PORT STATE', 'enable or disable PORT'],
      ['lsp-get-enabled PORT', 'whether PORT is enabled'],
      ['lsp-set-type PORT TYPE', "set PORT's type"],
      ['lsp-get-type PORT', "PORT's type"],
      ['lsp-set-options PORT [KEY=VALUE]...', "set PORT's options"],
      ['lsp-get-options PORT', "PORT's options"],
      ['lsp-set-dhcpv4-options PORT [DHCP_OPTIONS_UUID]', "set or clear PORT's DHCPv4 options"],
      ['lsp-get-dhcpv4-options PORT', "PORT's DHCPv4 options"],
      ['lsp-set-dhcpv6-options PORT [DHCP_OPTIONS_UUID]', "set or clear PORT's DHCPv6 options"],
      ['lsp-get-dhcpv6-options PORT', "PORT's DHCPv6 options"],
      ['lsp-get-ls PORT', 'the switch PORT belongs to'],
      ['[--may-exist] lsp-attach-mirror PORT MIRROR', 'attach MIRROR to PORT'],
      ['lsp-detach-mirror PORT MIRROR', 'detach MIRROR from PORT'],
    ],
  ],
  [
    'Forwarding group commands',
    [
      ['[--liveness] fwd-group-add GROUP SWITCH VIP VMAC PORTS...', 'add a forwarding group'],
      ['[--if-exists] fwd-group-del GROUP', 'delete a forwarding group'],
      ['fwd-group-list [SWITCH]', 'list forwarding groups'],
    ],
  ],
  [
    'Logical router commands',
    [
      ['[--may-exist | --add-duplicate] lr-add [ROUTER]', 'add a logical router'],
      ['[--if-exists] lr-del ROUTER', 'delete ROUTER with its ports'],
      ['lr-list', 'list logical routers'],
    ],
  ],
  [
    'Logical router port commands',
    [
      [
        '[--may-exist] lrp-add ROUTER PORT MAC NETWORK... [peer=PEER]',
        'add PORT to ROUTER (options after the networks as KEY=VALUE)',
      ],
      ['[--if-exists] lrp-del PORT', 'delete PORT'],
      ['lrp-list ROUTER', "list ROUTER's ports"],
      ['lrp-set-enabled PORT STATE', 'enable or disable PORT'],
      ['lrp-get-enabled PORT', 'whether PORT is enabled'],
      ['lrp-set-options PORT [KEY=VALUE]...', "set PORT's options"],
      ['[--may-exist] lrp-set-gateway-chassis PORT CHASSIS [PRIORITY]', 'make CHASSIS a gateway chassis of PORT'],
      ['lrp-del-gateway-chassis PORT CHASSIS', 'remove CHASSIS from the gateway chassis of PORT'],
      ['lrp-get-gateway-chassis PORT', "PORT's gateway chassis by priority"],
      ['lrp-set-redirect-type PORT TYPE', "set PORT's redirect type (bridged or overlay)"],
      ['lrp-get-redirect-type PORT', "PORT's redirect type"],
    ],
  ],
  [
    'Route commands',
    [
      [
        '[--policy=POLICY] [--route-table=TABLE] [--ecmp] [--ecmp-symmetric-reply] [--may-exist] [--bfd[=UUID]] lr-route-add ROUTER PREFIX NEXTHOP [PORT]',
        'add a static route',
      ],
      [
        '[--policy=POLICY] [--route-table=TABLE] [--if-exists] lr-route-del ROUTER [PREFIX [NEXTHOP [PORT]]]',
        'delete static routes',
      ],
      ['[--route-table=TABLE] lr-route-list ROUTER', "list ROUTER's static routes"],
    ],
  ],
  [
    'Policy commands',
    [
      ['[--may-exist] lr-policy-add ROUTER PRIORITY MATCH ACTION [NEXTHOP,...] [KEY=VALUE]...', 'add a routing policy'],
      ['[--if-exists] lr-policy-del ROUTER [{PRIORITY | UUID} [MATCH]]', 'delete routing policies'],
      ['lr-policy-list ROUTER', "list ROUTER's routing policies"],
    ],
  ],
  [
    'NAT commands',
    [
      [
        '[--may-exist] [--stateless] [--portrange] [--add-route] [--gateway-port=PORT] lr-nat-add ROUTER TYPE EXTERNAL_IP LOGICAL_IP [LOGICAL_PORT EXTERNAL_MAC] [EXTERNAL_PORT_RANGE]',
        'add a NAT rule (TYPE snat, dnat or dnat_and_snat)',
      ],
      ['[--if-exists] lr-nat-del ROUTER [TYPE [IP]]', 'delete NAT rules'],
      ['lr-nat-list ROUTER', "list ROUTER's NAT rules"],
      [
        '[--is-exempted] lr-nat-update-ext-ip ROUTER TYPE IP ADDRESS_SET',
        'set the exempted or allowed external IPs of a NAT rule',
      ],
    ],
  ],
  [
    'Load balancer commands',
    [
      [
        '[--may-exist | --add-duplicate] [--reject] [--event] [--add-route] [--template] lb-add LB VIP[:PORT] IP[:PORT],... [PROTOCOL] [ADDRESS_FAMILY]',
        'add a load balancer, or a VIP to it',
      ],
      ['[--if-exists] lb-del LB [VIP]', 'delete a load balancer or one of its VIPs'],
      ['lb-list [LB]', 'list load balancers'],
      ['[--may-exist] lr-lb-add ROUTER LB', 'attach LB to ROUTER'],
      ['[--if-exists] lr-lb-del ROUTER [LB]', 'detach LB (or all) from ROUTER'],
      ['lr-lb-list ROUTER', "list ROUTER's load balancers"],
      ['[--may-exist] ls-lb-add SWITCH LB', 'attach LB to SWITCH'],
      ['[--if-exists] ls-lb-del SWITCH [LB]', 'detach LB (or all) from SWITCH'],
      ['ls-lb-list SWITCH', "list SWITCH's load balancers"],
    ],
  ],
  [
    'DHCP options commands',
    [
      ['dhcp-options-create CIDR [KEY=VALUE]...', 'create a DHCP_Options row'],
      ['dhcp-options-del DHCP_OPTIONS_UUID', 'delete a DHCP_Options row'],
      ['dhcp-options-list', 'list DHCP_Options rows'],
      ['dhcp-options-set-options DHCP_OPTIONS_UUID [KEY=VALUE]...', 'set the options of a DHCP_Options row'],
      ['dhcp-options-get-options DHCP_OPTIONS_UUID', 'the options of a DHCP_Options row'],
    ],
  ],
  [
    'Control plane protection (CoPP) commands',
    [
      ['copp-add NAME PROTO METER', 'rate-limit control protocol PROTO of CoPP NAME with METER'],
      ['copp-del NAME [PROTO]', 'delete a CoPP entry or one protocol of it'],
      ['copp-list NAME', 'list the protocols and meters of CoPP NAME'],
      ['ls-copp-add NAME SWITCH', 'apply CoPP NAME to SWITCH'],
      ['lr-copp-add NAME ROUTER', 'apply CoPP NAME to ROUTER'],
    ],
  ],
  [
    'Connection commands',
    [
      ['get-connection', 'the database server connections (Connection rows)'],
      ['del-connection', 'delete every connection'],
      ['[--inactivity-probe=MSECS] set-connection TARGET...', 'set the connections to TARGET...'],
    ],
  ],
  [
    'SSL commands',
    [
      ['get-ssl', 'the SSL configuration'],
      ['del-ssl', 'delete the SSL configuration'],
      ['[--bootstrap] set-ssl PRIVATE_KEY CERTIFICATE CA_CERT [SSL_PROTOS [SSL_CIPHERS]]', 'set the SSL configuration'],
    ],
  ],
  [
    'Port group commands',
    [
      ['pg-add GROUP [PORTS]...', 'add a port group'],
      ['pg-set-ports GROUP PORTS...', "replace GROUP's ports"],
      ['pg-del GROUP', 'delete a port group'],
    ],
  ],
  [
    'HA chassis group commands',
    [
      ['ha-chassis-group-add GROUP', 'add an HA chassis group'],
      ['ha-chassis-group-del GROUP', 'delete an HA chassis group'],
      ['ha-chassis-group-list', 'list HA chassis groups and their chassis'],
      ['ha-chassis-group-add-chassis GROUP CHASSIS PRIORITY', 'add CHASSIS to GROUP with PRIORITY'],
      ['ha-chassis-group-remove-chassis GROUP CHASSIS', 'remove CHASSIS from GROUP'],
      ['ha-chassis-group-set-chassis-prio GROUP CHASSIS PRIORITY', "change CHASSIS's priority in GROUP"],
    ],
  ],
  [
    'Static MAC binding commands',
    [
      ['[--may-exist] static-mac-binding-add LOGICAL_PORT IP MAC', 'add a static MAC binding'],
      ['[--if-exists] static-mac-binding-del LOGICAL_PORT IP', 'delete a static MAC binding'],
      ['static-mac-binding-list', 'list static MAC bindings'],
    ],
  ],
  [
    'Database commands',
    [
      ['comment [ARG]...', 'do nothing (the arguments show in the database log)'],
      ['[--if-exists] [--id=@NAME] get TABLE RECORD [COLUMN[:KEY]]...', 'print column values of RECORD'],
      ['[--if-exists] [--columns=COLUMN,...] list TABLE [RECORD]...', 'print records of TABLE'],
      ['[--columns=COLUMN,...] find TABLE [COLUMN[:KEY]=VALUE]...', 'print the records of TABLE that match'],
      ['[--if-exists] set TABLE RECORD COLUMN[:KEY]=VALUE...', 'set column values of RECORD'],
      ['[--if-exists] add TABLE RECORD COLUMN [KEY=]VALUE...', 'add values to a set or map column'],
      ['[--if-exists] remove TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE...', 'remove values from a set or map column'],
      ['[--if-exists] clear TABLE RECORD COLUMN...', 'empty set or map columns'],
      ['[--id=(@NAME | UUID)] create TABLE COLUMN[:KEY]=VALUE...', 'create a record'],
      ['[--if-exists] [--all] destroy TABLE [RECORD]...', 'delete records'],
      ['wait-until TABLE RECORD [COLUMN[:KEY]=VALUE]...', 'wait until RECORD exists and its columns match'],
    ],
  ],
];

/** The command name in a syntax line: the first word outside the leading bracketed options. */
export function commandOf(syntax: string): string {
  let depth = 0;
  for (const word of syntax.split(/\s+/)) {
    const before = depth;
    for (const ch of word) depth += ch === '[' ? 1 : ch === ']' ? -1 : 0;
    if (before === 0 && depth === 0 && /^[a-z]/.test(word)) return word;
  }
  return '';
}

/** The help lines: syntax, then its description at column 28 (on the next line when the syntax is long). */
export function commandHelp(): string {
  const out: string[] = [];
  for (const [title, entries] of HELP_SECTIONS) {
    out.push('', `${title}:`);
    for (const [syntax, what] of entries) {
      const head = `  ${syntax}`;
      out.push(head.length < 27 ? `${head.padEnd(28)}${what}` : `${head}\n${' '.repeat(28)}${what}`);
    }
  }
  return out.join('\n') + '\n';
}
