# Decode every frame of a sample capture with Scapy, independently of mip6scope,
# and print the standard fields as one JSON list (one record per frame):
#   ESP: SPI, sequence number, whether the ICV verifies (HMAC computed here with the
#        SA's key; AES-CBC payloads decrypted here), and the payload's next header;
#   Mobility Header (RFC 6275 6.1): payload proto, header len, type, checksum and whether
#        it verifies (Scapy's in6_chksum: Home Address option / type 2 routing header aware);
#        BU and BA fields from Scapy's MIP6MH_BU / MIP6MH_BA;
#   ICMPv6: type, code, checksum and whether it verifies.
# Usage: scapy_fields.py CAPTURE SA_JSON
#   SA_JSON maps the SPI (decimal) to {"enc": "null"|"aes-cbc", "encKey": hex, "auth": "sha1"|"sha256", "authKey": hex, "icv": 12|16}.
import hashlib, hmac, json, logging, sys
# Scapy 2.5 warns about pcapng comments without a newline; they are valid pcapng.
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import rdpcap, raw
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BU,
                                _ICMPv6, in6_chksum)
from scapy.layers.ipsec import ESP
from scapy.packet import Raw

path, sa_json = sys.argv[1], sys.argv[2]
sas = {int(k): v for k, v in json.loads(sa_json).items()}


def open_esp(spi, esp):
    """(icvOk, next header, inner bytes) or None when the SPI is unknown."""
    sa = sas.get(spi)
    if sa is None:
        return None
    icv_len = sa['icv']
    body, icv = esp[:-icv_len], esp[-icv_len:]
    digest = hashlib.sha1 if sa['auth'] == 'sha1' else hashlib.sha256
    icv_ok = hmac.new(bytes.fromhex(sa['authKey']), body, digest).digest()[:icv_len] == icv
    payload = body[8:]
    if sa['enc'] == 'aes-cbc':
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        iv, ct = payload[:16], payload[16:]
        dec = Cipher(algorithms.AES(bytes.fromhex(sa['encKey'])), modes.CBC(iv)).decryptor()
        payload = dec.update(ct) + dec.finalize()
    nh, pad_len = payload[-1], payload[-2]
    return icv_ok, nh, payload[:-2 - pad_len]


def mh_record(under, mh):
    """Fields of the Mobility Header `mh` (bytes) whose IPv6 layers end with `under`."""
    rec = {'proto': mh[0], 'hlen': mh[1], 'type': mh[2], 'csum': int.from_bytes(mh[4:6], 'big')}
    zeroed = mh[:4] + b'\x00\x00' + mh[6:]
    rec['csumOk'] = in6_chksum(135, under, zeroed) == rec['csum']
    if rec['type'] == 5 and len(mh) >= 12 and rec['hlen'] >= 1:
        m = MIP6MH_BU(mh)
        rec['bu'] = {'seq': m.seq, 'flags': int(m.flags), 'lifetime': m.mhtime}
    elif rec['type'] == 6 and len(mh) >= 12 and rec['hlen'] >= 1:
        m = MIP6MH_BA(mh)
        rec['ba'] = {'status': m.status, 'flags': int(m.flags), 'seq': m.seq, 'lifetime': m.mhtime}
    return rec


def last_ip_layer(ip):
    """The last IPv6 header or extension header before the upper layer, with
    Destination Options reduced to the Home Address option, which is how Scapy
    finds the home address for the pseudo-header."""
    outer = ip.copy()
    if IPv6ExtHdrDestOpt in outer:
        d = outer[IPv6ExtHdrDestOpt]
        d.options = [o for o in d.options if isinstance(o, HAO)]
        d.len = None
    layer = outer
    while isinstance(layer.payload, (IPv6ExtHdrDestOpt, IPv6ExtHdrRouting)):
        layer = layer.payload
    return layer


out = []
for p in rdpcap(path):
    rec = {}
    ip = p[IPv6] if IPv6 in p else None
    if ip is None:
        out.append(rec)
        continue
    rec['src'], rec['dst'] = ip.src, ip.dst
    under = last_ip_layer(ip)
    upper = None  # (next header, bytes)
    if ESP in ip:
        esp = raw(ip[ESP])
        spi, seq = int.from_bytes(esp[0:4], 'big'), int.from_bytes(esp[4:8], 'big')
        rec['esp'] = {'spi': spi, 'seq': seq}
        opened = open_esp(spi, esp)
        if opened is not None:
            rec['esp']['icvOk'], nh, inner = opened
            # A packet whose ICV fails is dropped (RFC 4303 3.4.4): its payload is not looked at.
            if rec['esp']['icvOk']:
                rec['esp']['nh'] = nh
                upper = (nh, inner)
        under.remove_payload()
    else:
        nh = under.nh
        upper = (nh, raw(under.payload))
        under.remove_payload()
    if upper is not None and upper[0] == 135:
        rec['mh'] = mh_record(under, upper[1])
    elif upper is not None and upper[0] == 58:
        icmp = upper[1]
        c = int.from_bytes(icmp[2:4], 'big')
        zeroed = icmp[:2] + b'\x00\x00' + icmp[4:]
        rec['icmpv6'] = {'type': icmp[0], 'code': icmp[1], 'csum': c, 'csumOk': in6_chksum(58, under, zeroed) == c}
    out.append(rec)
print(json.dumps(out))
