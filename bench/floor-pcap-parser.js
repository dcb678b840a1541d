// Floor: iterate every packet of a classic pcap file with pcap-parser (the common
// npm reader), touching one byte per packet. Usage: node bench/floor-pcap-parser.js FILE.pcap
import pcapParser from 'pcap-parser';

const parser = pcapParser.parse(process.argv[2]);
let n = 0;
let x = 0;
parser.on('packet', (p) => { n++; x ^= p.data[0] ?? 0; });
parser.on('end', () => process.stdout.write(`${n} ${x}\n`));
