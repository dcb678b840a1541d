// Floor: iterate every frame of a capture with mip6scope's own reader, touching one
// byte per frame, without dissecting. Usage: node bench/floor-reader.js FILE
import { openCapture } from '../dist/capture/open.js';

const r = openCapture(process.argv[2]);
let n = 0;
let x = 0;
for (let f = r.next(); f; f = r.next()) { n++; x ^= f.data[0] ?? 0; }
r.close();
process.stdout.write(`${n} ${x}\n`);
