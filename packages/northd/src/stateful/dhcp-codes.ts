// The DHCP option vocabulary northd publishes in the SB (DHCP_Options / DHCPv6_Options): option
// name as written in NB DHCP_Options.options, its wire code (RFC 2132 and later RFCs; 0 is OVN's
// pseudo-option for the offered address) and the value type put_dhcp_opts parses it as.

export interface DhcpOptionCode {
  readonly name: string;
  readonly code: number;
  readonly type: string;
}

const v4 = (name: string, code: number, type: string): DhcpOptionCode => ({ name, code, type });

export const DHCPV4_OPTION_CODES: readonly DhcpOptionCode[] = [
  v4('offerip', 0, 'ipv4'),
  v4('netmask', 1, 'ipv4'),
  v4('router', 3, 'ipv4'),
  v4('dns_server', 6, 'ipv4'),
  v4('log_server', 7, 'ipv4'),
  v4('lpr_server', 9, 'ipv4'),
  v4('hostname', 12, 'str'),
  v4('domain_name', 15, 'str'),
  v4('swap_server', 16, 'ipv4'),
  v4('ip_forward_enable', 19, 'bool'),
  v4('policy_filter', 21, 'ipv4'),
  v4('default_ttl', 23, 'uint8'),
  v4('mtu', 26, 'uint16'),
  v4('broadcast_address', 28, 'ipv4'),
  v4('router_discovery', 31, 'bool'),
  v4('router_solicitation', 32, 'ipv4'),
  v4('arp_cache_timeout', 35, 'uint32'),
  v4('ethernet_encap', 36, 'bool'),
  v4('tcp_ttl', 37, 'uint8'),
  v4('tcp_keepalive_interval', 38, 'uint32'),
  v4('nis_server', 41, 'ipv4'),
  v4('ntp_server', 42, 'ipv4'),
  v4('netbios_name_server', 44, 'ipv4'),
  v4('netbios_node_type', 46, 'uint8'),
  v4('lease_time', 51, 'uint32'),
  v4('server_id', 54, 'ipv4'),
  v4('T1', 58, 'uint32'),
  v4('T2', 59, 'uint32'),
  v4('tftp_server', 66, 'host_id'),
  v4('bootfile_name', 67, 'str'),
  v4('domain_search_list', 119, 'domains'),
  v4('classless_static_route', 121, 'static_routes'),
  v4('tftp_server_address', 150, 'ipv4'),
  v4('path_prefix', 210, 'str'),
  v4('ms_classless_static_route', 249, 'static_routes'),
  v4('wpad', 252, 'str'),
  v4('next_server', 253, 'ipv4'),
  v4('bootfile_name_alt', 254, 'str'),
];

export const DHCPV6_OPTION_CODES: readonly DhcpOptionCode[] = [
  v4('server_id', 2, 'mac'),
  v4('ia_addr', 5, 'ipv6'),
  v4('dns_server', 23, 'ipv6'),
  v4('domain_search', 24, 'str'),
];
