// Argument lists for ovn-nbctl/ovnts-nbctl that tests build again and again.

/** Attach logical switch `ls` to router port `lrp` through a switch port `lsp` of type router. */
export function routerPortArgs(ls: string, lsp: string, lrp: string): string[] {
  return [
    'lsp-add',
    ls,
    lsp,
    '--',
    'lsp-set-type',
    lsp,
    'router',
    '--',
    'lsp-set-addresses',
    lsp,
    'router',
    '--',
    'lsp-set-options',
    lsp,
    `router-port=${lrp}`,
  ];
}

/** A localnet port `name` on `ls` bridged to the physical network `network` (see ovn-bridge-mappings). */
export function localnetPortArgs(ls: string, name: string, network: string): string[] {
  return [
    'lsp-add',
    ls,
    name,
    '--',
    'lsp-set-type',
    name,
    'localnet',
    '--',
    'lsp-set-addresses',
    name,
    'unknown',
    '--',
    'lsp-set-options',
    name,
    `network_name=${network}`,
  ];
}

/** A switch port `name` on `ls` with addresses (`"<mac> <ip>…"`, or `router`, `unknown`…). */
export function vifArgs(ls: string, name: string, addresses: string): string[] {
  return ['lsp-add', ls, name, '--', 'lsp-set-addresses', name, addresses];
}

/** Router port `lrp` of `lr` (its MAC and networks) and its peer `lsp`, of type router, on switch `ls`. */
export function routerLinkArgs(
  lr: string,
  lrp: string,
  mac: string,
  networks: string | readonly string[],
  ls: string,
  lsp: string,
): string[] {
  return [
    'lrp-add',
    lr,
    lrp,
    mac,
    ...(typeof networks === 'string' ? [networks] : networks),
    '--',
    ...routerPortArgs(ls, lsp, lrp),
  ];
}
