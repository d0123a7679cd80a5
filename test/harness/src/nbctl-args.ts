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
