// The control protocols of NB Copp, apart from copp.ts so that the flow table can name them without
// importing the module that reads the flow table.
/** The protocols a Copp row may name (ovn-nbctl accepts exactly these). */
export const COPP_PROTOCOLS = [
  'arp',
  'arp-resolve',
  'dhcpv4-opts',
  'dhcpv6-opts',
  'dns',
  'event-elb',
  'icmp4-error',
  'icmp6-error',
  'igmp',
  'nd-na',
  'nd-ns',
  'nd-ns-resolve',
  'nd-ra-opts',
  'tcp-reset',
  'bfd',
  'reject',
  'svc-monitor',
] as const;
export type CoppProto = (typeof COPP_PROTOCOLS)[number];
