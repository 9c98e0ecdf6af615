/**
 * Certificate benchmark: private key + CSR generation, ours against OpenSSL in the same run, and
 * against node-forge's pure-JS key generation (the path DESIGN.md tells us to avoid).
 *
 *   npx tsx bench/certs.ts            (or: npm run bench -- certs)
 *
 * ours  – createRequest(): Node's native crypto.generateKeyPair (async) + a node-forge CSR with SANs,
 *         key usage and EKU, signed natively; both PEM key forms exported.
 * peer  – `openssl req -new -newkey rsa:N -nodes -subj /CN=x -keyout k -out r` (includes the process
 *         start, a few ms; measured once alone with `openssl version` and reported, not subtracted).
 * forge – forge.pki.rsa.generateKeyPair({ bits: 2048 }) with forge.options.usePureJavaScript = true
 *         (synchronous pure JS; without the option forge calls Node's native keygen) + the same CSR signed by forge.
 *
 * Key generation time varies a lot (prime search), so each figure is the median of several runs,
 * ours and the peer alternating. Ratio = ours / peer (below 1 = we are faster).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as forge from 'node-forge';
import { createRequest } from '../src/core/certs/request';

const RUNS: Record<number, number> = { 2048: 9, 4096: 5 };
const FORGE_RUNS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

function opensslOnce(bits: number, dir: string): number {
  const t0 = performance.now();
  const r = spawnSync('openssl', ['req', '-new', '-newkey', `rsa:${bits}`, '-nodes', '-subj', '/CN=x', '-keyout', path.join(dir, 'k'), '-out', path.join(dir, 'r')], { stdio: 'pipe' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr.toString()}`);
  return ms;
}

async function oursOnce(bits: 2048 | 4096): Promise<number> {
  const t0 = performance.now();
  const r = await createRequest({ cn: 'esx01.lab.local', sans: ['esx01.lab.local', 'esx01', '10.0.0.5'], o: 'Lab', bits });
  const ms = performance.now() - t0;
  if (!r.csrPem.includes('BEGIN CERTIFICATE REQUEST')) throw new Error('no CSR');
  return ms;
}

/**
 * node-forge hands RSA key generation to Node's native `crypto.generateKeyPairSync` whenever it runs
 * on Node (node-forge lib/rsa.js, `pki.rsa.generateKeyPair`), unless `forge.options.usePureJavaScript`
 * is set: set it for this measurement only, so "forge pure-JS" is what is measured.
 */
function forgeOnce(): number {
  const options = (forge as unknown as { options: { usePureJavaScript: boolean } }).options;
  const saved = options.usePureJavaScript;
  options.usePureJavaScript = true;
  try {
    return forgePureOnce();
  } finally {
    options.usePureJavaScript = saved;
  }
}

function forgePureOnce(): number {
  const t0 = performance.now();
  const kp = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = kp.publicKey;
  csr.setSubject([{ shortName: 'CN', value: 'esx01.lab.local' }]);
  csr.setAttributes([{ name: 'extensionRequest', extensions: [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, dataEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'esx01.lab.local' }, { type: 2, value: 'esx01' }, { type: 7, ip: '10.0.0.5' }] },
  ] }]);
  csr.sign(kp.privateKey, forge.md.sha256.create());
  forge.pki.privateKeyToPem(kp.privateKey);
  forge.pki.certificationRequestToPem(csr);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vlab-bench-certs-'));
  const started = performance.now();
  try {
    const v = spawnSync('openssl', ['version'], { encoding: 'utf8' });
    if (v.status !== 0) {
      console.error('openssl is not installed; the peer cannot be measured.');
      process.exitCode = 1;
      return;
    }
    const spawnCost = median([0, 1, 2].map(() => { const t = performance.now(); spawnSync('openssl', ['version']); return performance.now() - t; }));
    console.log(`peer: ${v.stdout.trim()}; process start ≈ ${fmt(spawnCost)} ms (included in peer times)`);
    await oursOnce(2048); // warm up: module loading, JIT
    const lines: string[] = [];
    const medians: Record<number, number> = {};
    for (const bits of [2048, 4096] as const) {
      const ours: number[] = [], peer: number[] = [];
      for (let i = 0; i < RUNS[bits]; i++) {
        ours.push(await oursOnce(bits));
        peer.push(opensslOnce(bits, dir));
      }
      const o = median(ours), p = median(peer);
      medians[bits] = o;
      console.log(`RSA-${bits}: ours ${ours.map(fmt).join(', ')} ms; openssl ${peer.map(fmt).join(', ')} ms`);
      lines.push(`BENCH certs-${bits} ours=${fmt(o)}ms peer=${fmt(p)}ms ratio=${(o / p).toFixed(2)}`);
    }
    const fg: number[] = [];
    for (let i = 0; i < FORGE_RUNS; i++) fg.push(forgeOnce());
    const f = median(fg);
    console.log(`forge pure-JS RSA-2048 + CSR: ${fg.map(fmt).join(', ')} ms`);
    lines.push(`BENCH certs-forge-2048 ours=${fmt(medians[2048])}ms peer=${fmt(f)}ms ratio=${(medians[2048] / f).toFixed(3)}`);
    console.log(`total ${(performance.now() - started) / 1000 | 0} s`);
    for (const l of lines) console.log(l);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
