/**
 * BA status names, apart from the dissector so that the analyzing thread,
 * which loads no dissection code, names a rejected registration's status too.
 */

/** BA status values (RFC 6275 6.1.8, RFC 3963, RFC 5142 and later registrations). */
export const BA_STATUS: Record<number, string> = {
  0: 'Binding Update accepted', 1: 'Accepted but prefix discovery necessary',
  128: 'Reason unspecified', 129: 'Administratively prohibited', 130: 'Insufficient resources',
  131: 'Home registration not supported', 132: 'Not home subnet', 133: 'Not home agent for this mobile node',
  134: 'Duplicate Address Detection failed', 135: 'Sequence number out of window', 136: 'Expired home nonce index',
  137: 'Expired care-of nonce index', 138: 'Expired nonces', 139: 'Registration type change disallowed',
  140: 'Mobile Router Operation not permitted', 141: 'Invalid Prefix', 142: 'Not Authorized for Prefix',
  143: 'Forwarding Setup failed',
};
