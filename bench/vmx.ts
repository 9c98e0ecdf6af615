/**
 * .vmx parse + serialize throughput on a generated 5 MB file.
 *
 * ours: VmxDocument.parse(bytes).serialize() — lossless (line kinds, key/value spans, encoding
 *       checks, byte-identical output).
 * peer: the floor — decode, split(/\r?\n/), one regex per line, join, encode. It keeps nothing
 *       but the text and is measured in the same run.
 *
 * Run: npm run bench -- vmx   (or npx tsx bench/vmx.ts)
 */
import { VmxDocument } from '../src/core/vmx/document';
import { standalone, type Harness } from './harness';

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

/** bench/vmx through the harness: ours vs the floor (it keeps nothing but the text), 15 interleaved rounds. */
export async function run(h: Harness): Promise<void> {
  const bytes = synthetic();
  if (!Buffer.from(ours(bytes)).equals(bytes)) throw new Error('ours did not give the input back byte for byte');
  const lines = VmxDocument.parse(bytes).lineCount;
  h.note(`vmx: input ${(bytes.length / 1e6).toFixed(2)} MB, ${lines} lines; ours byte-identical; peer keeps CRLF: ${Buffer.from(peer(bytes)).equals(bytes)}${sink > 0 ? '' : ' (peer parsed nothing!)'}`);
  await h.bench({
    name: 'vmx', what: '.vmx parse + serialize, lossless, 5 MiB generated file',
    ours: { label: 'VmxDocument.parse(bytes).serialize()', run: () => { ours(bytes); }, bytes: bytes.length },
    peer: { kind: 'floor', label: 'decode, split lines, one regex per line, join, encode', run: () => { peer(bytes); }, bytes: bytes.length },
    warmup: 3, target: {},
    note: 'no ratio target in any issue: reported only (ours keeps spans and line kinds the floor throws away)',
  });
}

if (require.main === module) standalone('vmx', run);
