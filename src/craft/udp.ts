/** UDP (RFC 768) over IPv6, where the checksum is mandatory (RFC 8200 8.1). */
import { concat, u16, upperLayerChecksum, withU16, zeros } from './bytes.js';
import { PROTO, type UpperLayer } from './ipv6.js';

export function udp(srcPort: number, dstPort: number, payload: Uint8Array): UpperLayer {
  return {
    protocol: PROTO.udp,
    encode: (pseudo) => {
      const unchecked = concat(u16(srcPort), u16(dstPort), u16(8 + payload.length), zeros(2), payload);
      // A computed zero is sent as all ones; zero means "no checksum", which IPv6 forbids.
      const sum = upperLayerChecksum(pseudo, PROTO.udp, unchecked, 6) || 0xffff;
      return withU16(unchecked, 6, sum);
    },
  };
}
