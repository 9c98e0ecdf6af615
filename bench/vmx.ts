/**
 * .vmx parse + serialize throughput on a generated 5 MB file.
 *
 * ours: VmxDocument.parse(bytes).serialize() — lossless (line kinds, key/value spans, encoding
 *       checks, byte-identical output).
 * peer: the floor — decode, split(/\r?\n/), one regex per line, join, encode. It keeps nothing
 *       but the text and is measured in the same run.
 *
 * Run: npx tsx bench/vmx.ts   (last line: BENCH vmx ours=…MB/s peer=…MB/s ratio=…)
 */
import { performance } from 'node:perf_hooks';
import { VmxDocument } from '../src/core/vmx/document';

const TARGET_BYTES = 5 * 1024 * 1024;

function synthetic(): Buffer {
  const parts: string[] = ['.encoding = "UTF-8"\n', 'config.version = "8"\n', 'virtualHW.version = "7"\n'];
  let size = parts.join('').length;
  let i = 0;
  const devs = ['lsilogic', 'lsisas1068', 'pvscsi', 'buslogic'];
  while (size < TARGET_BYTES) {
    const c = i % 4;
    const u = i % 16;
    const block = [
      `scsi${c}:${u}.present = "TRUE"`,
      `scsi${c}:${u}.fileName = "disk-${i}.vmdk"`,
      `scsi${c}:${u}.mode = "independent-persistent"`,
      `scsi${c}.virtualDev = "${devs[c]}"`,
      `ethernet${c}.generatedAddress = "00:0c:29:${(i & 0xff).toString(16).padStart(2, '0')}:1b:7a"`,
      i % 10 === 0 ? `# hand-written note ${i}   ` : '',
      `annotation${i} = "Lab VM ${i}|0D|0Aowner: «ops» – ünïcode"`,
      `guestinfo.key${i} = value${i}`,
      `uuid.bios = "56 4d 1c 2a 7e 0f 3b 9c-8d 12 44 61 0a 5e 1b 7a"`,
    ].join(i % 7 === 0 ? '\r\n' : '\n') + '\n';
    parts.push(block);
    size += Buffer.byteLength(block);
    i++;
  }
  return Buffer.from(parts.join(''), 'utf8');
}

function ours(bytes: Buffer): Uint8Array {
  return VmxDocument.parse(bytes).serialize();
}

const LINE_RE = /^[ \t]*([^ \t=#]+)[ \t]*=[ \t]*(?:"([^"]*)"|([^ \t#]*))/;
let sink = 0;
function peer(bytes: Buffer): Uint8Array {
  const lines = bytes.toString('utf8').split(/\r?\n/);
  for (const l of lines) {
    const m = LINE_RE.exec(l);
    if (m) sink += m[1].length;
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

function measure(fn: (b: Buffer) => Uint8Array, bytes: Buffer, rounds: number): number {
  for (let i = 0; i < 3; i++) fn(bytes); // warm-up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn(bytes);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return bytes.length / (1024 * 1024) / (median / 1000);
}

const bytes = synthetic();
const lossless = Buffer.from(ours(bytes)).equals(bytes);
if (!lossless) {
  console.error('ours did not give the input back byte for byte');
  process.exit(1);
}
const lines = VmxDocument.parse(bytes).lineCount;
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
// interleave to share any machine noise
let o = 0;
let p = 0;
for (let r = 0; r < 3; r++) {
  o += measure(ours, bytes, rounds);
  p += measure(peer, bytes, rounds);
}
o /= 3;
p /= 3;
console.log(`input: ${(bytes.length / 1048576).toFixed(2)} MB, ${lines} lines; ours byte-identical: ${lossless}; peer keeps CRLF: ${Buffer.from(peer(bytes)).equals(bytes)} (${sink > 0 ? 'parsed' : ''})`);
console.log(`BENCH vmx ours=${o.toFixed(1)}MB/s peer=${p.toFixed(1)}MB/s ratio=${(o / p).toFixed(2)}`);
