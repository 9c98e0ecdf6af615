/**
 * Certificate benchmark: private key + CSR generation, ours against OpenSSL in the same run, and
 * against node-forge's pure-JS key generation (the path DESIGN.md tells us to avoid).
 *
 *   npm run bench -- certs            (or: npx tsx bench/certs.ts)
 *
 * ours  – createRequest(): Node's native crypto.generateKeyPair (async) + a node-forge CSR with SANs,
 *         key usage and EKU, signed natively; both PEM key forms exported.
 * peer  – `openssl req -new -newkey rsa:N -nodes -subj /CN=x -keyout k -out r` (includes the process
 *         start, a few ms; measured once alone with `openssl version` and reported, not subtracted).
 * forge – forge.pki.rsa.generateKeyPair({ bits: 2048 }) with forge.options.usePureJavaScript = true
 *         (synchronous pure JS; without the option forge calls Node's native keygen) + the same CSR signed by forge.
 *
 * cli   – `node dist/cli.js cert request` (whole process), reported beside ours.
 * Key generation time varies a lot (prime search): ≥ 30 interleaved pairs through bench/harness.ts.
 * Ratio = ours / peer (below 1 = we are faster).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as forge from 'node-forge';
import { createRequest } from '../src/core/certs/request';
import { buildDist, CLI, standalone, type Harness } from './harness';

const FORGE_RUNS = 3;

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

/** `node dist/cli.js cert request …` as a user runs it (whole process: Node start, bundle load, keygen, files). */
function cliOnce(dir: string): void {
  const r = spawnSync(process.execPath, [CLI, 'cert', 'request', '--cn', 'esx01.lab.local', '--san', 'esx01.lab.local', '--san', 'esx01', '--san', '10.0.0.5', '--o', 'Lab', '--out', dir, '--force'], { stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`vlab cert request failed: ${r.stderr.toString()}`);
}

/** bench/certs through the harness: ≥ 30 interleaved pairs for the checked RSA-2048 target. */
export async function run(h: Harness): Promise<void> {
  const v = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error('openssl is not installed; the peer cannot be measured');
  buildDist();
  const dir = mkdtempSync(path.join(tmpdir(), 'vlab-bench-certs-'));
  try {
    const spawnCost = [0, 1, 2, 3, 4].map(() => { const t = performance.now(); spawnSync('openssl', ['version']); return performance.now() - t; }).sort((a, b) => a - b)[2];
    h.note(`certs: peer ${v.stdout.trim()}; its process start ≈ ${fmt(spawnCost)} ms is included in its times (not subtracted)`);
    const openssl = (bits: number) => ({ kind: 'peer' as const, label: `openssl req -newkey rsa:${bits} (process)`, run: () => { opensslOnce(bits, dir); } });
    await h.bench({
      name: 'certs-2048', what: 'RSA-2048 key + CSR (SANs, KU, EKU), in process, vs openssl',
      ours: { label: 'createRequest() in process', run: () => oursOnce(2048) }, peer: openssl(2048),
      runs: 30, warmup: 2, target: { maxRatio: 1.5 },
      note: 'key generation time varies with the prime search: ≥ 30 interleaved pairs, ratio = median of per-pair ratios',
    });
    await h.bench({
      name: 'certs-2048-cli', what: 'RSA-2048 key + CSR as `vlab cert request` (whole process) vs openssl',
      ours: { label: 'node dist/cli.js cert request --out DIR (process)', run: () => { cliOnce(dir); } }, peer: openssl(2048),
      runs: 30, warmup: 1, target: {}, note: 'reported beside the in-process figure: includes Node start and loading the CLI bundle',
    });
    await h.bench({
      name: 'certs-4096', what: 'RSA-4096 key + CSR, in process, vs openssl',
      ours: { label: 'createRequest() in process', run: () => oursOnce(4096) }, peer: openssl(4096),
      runs: 15, warmup: 1, target: {}, note: 'reported only (the target is on the default 2048 bits); 4096-bit prime search swings several-fold',
    });
    const fg: number[] = [];
    for (let i = 0; i < FORGE_RUNS; i++) fg.push(forgeOnce());
    h.note(`certs: node-forge pure-JS RSA-2048 + CSR (the path DESIGN.md avoids), ${FORGE_RUNS} runs, not in the table: ${fg.map(fmt).join(', ')} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) standalone('certs', run);
