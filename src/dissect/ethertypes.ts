/** EtherType names, shared by the link layers that carry one (Ethernet, VLAN, SLL, LLC/SNAP). */
export const ETHERTYPES: Record<number, string> = { 0x0800: 'IPv4', 0x86dd: 'IPv6', 0x8100: '802.1Q', 0x88a8: '802.1ad', 0x9100: 'QinQ', 0x0806: 'ARP' };
