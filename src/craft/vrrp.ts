/**
 * VRRP version 3 over IPv6 (RFC 5798 5.1): the router-redundancy protocol a
 * home link may run beside the home agents' own Hellos.
 */
import { addressBytes, concat, u16, upperLayerChecksum, withU16, zeros } from './bytes.js';
import { PROTO, type UpperLayer } from './ipv6.js';

/** Multicast group and hop limit VRRPv3 advertisements must use (RFC 5798 5.1.2). */
export const VRRP_IPV6_GROUP = 'ff02::12';
export const VRRP_HOP_LIMIT = 255;

export interface VrrpFields {
  virtualRouterId: number;
  priority: number;
  /** Maximum advertisement interval in centiseconds (12 bits). */
  maxAdvertIntervalCs: number;
  addresses: readonly (string | Uint8Array)[];
}

export function vrrpAdvertisement(f: VrrpFields): UpperLayer {
  return {
    protocol: PROTO.vrrp,
    encode: (pseudo) => {
      const unchecked = concat(
        // Version 3, Type 1 (ADVERTISEMENT).
        Uint8Array.of(0x31, f.virtualRouterId, f.priority, f.addresses.length),
        u16(f.maxAdvertIntervalCs & 0x0fff), zeros(2), ...f.addresses.map(addressBytes),
      );
      return withU16(unchecked, 6, upperLayerChecksum(pseudo, PROTO.vrrp, unchecked, 6));
    },
  };
}
