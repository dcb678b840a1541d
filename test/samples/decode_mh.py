# Decode the BU/BA of a sample capture independently of mip6scope: verify the
# ESP NULL ICV and trailer padding, strip ESP, and let Scapy parse and re-checksum
# the Mobility Header. Prints one JSON record per packet.
# Usage: decode_mh.py CAPTURE AUTH_KEY_HEX ICV_LENGTH
import sys, json, hmac, hashlib
from scapy.all import rdpcap, raw
from scapy.layers.inet6 import HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BU, MIP6MH_BA
from scapy.layers.ipsec import ESP
path, key_hex, icv_len = sys.argv[1], sys.argv[2], int(sys.argv[3])
key = bytes.fromhex(key_hex)
out = []
for p in rdpcap(path):
    ip = p[IPv6]
    rec = {}
    if ESP in ip:
        esp = raw(ip[ESP])
        body, icv = esp[:-icv_len], esp[-icv_len:]
        rec['icvOk'] = hmac.new(key, body, hashlib.sha1 if icv_len == 12 else hashlib.sha256).digest()[:icv_len] == icv
        nh, padlen = body[-1], body[-2]
        rec['padOk'] = list(body[-2 - padlen:-2]) == list(range(1, padlen + 1))
        inner = body[8:-2 - padlen]
        outer = ip.copy()
        under = outer[ESP].underlayer
        under.remove_payload()
        under.nh = nh
    else:
        outer = ip.copy()
        inner = None
    # Scapy takes the Home Address for the pseudo-header only from a Destination
    # Options header holding the HAO alone, so drop the dissected padding options.
    if IPv6ExtHdrDestOpt in outer:
        d = outer[IPv6ExtHdrDestOpt]
        d.options = [o for o in d.options if isinstance(o, HAO)]
        d.len = None
    for cls in (MIP6MH_BU, MIP6MH_BA):
        if inner is not None and inner[2] == cls().mhtype:
            pkt = outer / cls(inner)
        elif inner is None and cls in outer:
            pkt = outer
        else:
            continue
        m = pkt[cls]
        sent = m.cksum
        m.cksum = None
        rec.update({'type': cls.__name__, 'seq': m.seq, 'flags': int(m.flags), 'lifetime': m.mhtime,
                    'status': getattr(m, 'status', None), 'checksumOk': raw(m)[4:6] == sent.to_bytes(2, 'big')})
    out.append(rec)
print(json.dumps(out))
