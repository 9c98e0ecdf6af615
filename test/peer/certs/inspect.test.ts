/**
 * inspectEndpoint against real TLS servers on loopback: Node's tls server with the weak self-signed
 * certificates old vCenter/ESX shipped, and `openssl s_server` serving a CA-issued chain.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { commands } from '../../../src/cli/commands/cert';
import { runCli } from '../../../src/cli/main';
import { inspectEndpoint, InspectError, parseEndpoint } from '../../../src/core/certs/inspect';
import { issue, pem, rsaKey, testPki } from '../../unit/certs/pki';
import { fakeIO } from '../../unit/certs/io';

const codes = (r: { findings: readonly { code: string; severity: string }[] }): string[] => r.findings.map((f) => `${f.code}/${f.severity}`).sort();

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function tlsServer(key: string, cert: string): tls.Server {
  // SECLEVEL=0: OpenSSL would otherwise refuse to load a 512/1024-bit certificate at all.
  return tls.createServer({ key, cert, ciphers: 'DEFAULT:@SECLEVEL=0', maxVersion: 'TLSv1.2' }, (s) => s.end());
}

describe('inspectEndpoint (peer: local TLS servers)', function () {
  this.timeout(30_000);
  const servers: net.Server[] = [];
  let weakPort = 0, vc4Port = 0;
  const weakKey = rsaKey(1024, 'weak1024');
  const weakCert = pem(issue({ cn: 'esx01.lab.local', key: weakKey, hash: 'sha1' }));
  const vcKey = rsaKey(512, 'k512');
  const vcCert = pem(issue({ cn: 'vc01', key: vcKey, hash: 'md5', v1: true }));

  before(async () => {
    const weak = tlsServer(weakKey.pem, weakCert);
    const vc4 = tlsServer(vcKey.pem, vcCert);
    servers.push(weak, vc4);
    weakPort = await listen(weak);
    vc4Port = await listen(vc4);
  });
  after(() => servers.forEach((s) => s.close()));

  it('a 1024-bit self-signed SHA-1 certificate with CN only (the classic ESX default)', async () => {
    const r = await inspectEndpoint('127.0.0.1', weakPort, { servername: 'esx01.lab.local', timeoutMs: 5000 });
    assert.equal(r.chain.length, 1);
    const c = r.chain[0];
    assert.equal(c.subject.commonName, 'esx01.lab.local');
    assert.deepEqual(c.publicKey, { type: 'rsa', bits: 1024 });
    assert.equal(c.signatureAlgorithm.name, 'sha1WithRSAEncryption');
    assert.equal(c.isSelfSigned, true);
    assert.equal(c.inSystemTrustStore, false);
    assert.deepEqual(r.trust, { authorized: false, error: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    assert.deepEqual(codes(r), ['key-too-small/warning', 'missing-san/warning', 'self-signed/warning', 'weak-signature/warning']);
    assert.equal(r.checkedName, 'esx01.lab.local');
    assert.match(r.protocol ?? '', /^TLSv1/);
  });

  it('connecting by IP to a CN-only certificate is a host name mismatch', async () => {
    const r = await inspectEndpoint('127.0.0.1', weakPort, { timeoutMs: 5000 });
    assert.ok(codes(r).includes('hostname-mismatch/error'));
    assert.match(r.findings.find((f) => f.code === 'hostname-mismatch')!.message, /does not cover "127\.0\.0\.1"/);
  });

  it('vlab cert inspect exits 1 on the 512-bit MD5 vCenter 4 default, 0 on the merely weak one', async () => {
    const io = fakeIO(process.cwd());
    assert.equal(await runCli(['cert', 'inspect', `127.0.0.1:${vc4Port}`, '--servername', 'vc01'], io, commands), 1, io.err);
    assert.match(io.out, /Key: +RSA 512 bits/);
    assert.match(io.out, /ERROR +The server certificate "vc01" has a 512-bit RSA key/);
    assert.match(io.out, /ERROR +The server certificate "vc01" is signed with md5WithRSAEncryption/);
    const json = fakeIO(process.cwd());
    assert.equal(await runCli(['cert', 'inspect', `127.0.0.1:${weakPort}`, '--servername', 'esx01.lab.local', '--json'], json, commands), 0, json.err);
    const doc = JSON.parse(json.out);
    assert.equal(doc.chain[0].publicKey.bits, 1024);
    assert.match(doc.chain[0].sha1Thumbprint, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  });

  it('connection problems become clear errors: refused, not TLS, timeout, cancelled', async () => {
    const closed = net.createServer();
    const closedPort = await listen(closed);
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(inspectEndpoint('127.0.0.1', closedPort, { timeoutMs: 3000 }), (e: unknown) => e instanceof InspectError && e.code === 'refused');

    const http = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const silent = net.createServer(() => { /* never answers */ });
    servers.push(http, silent);
    const httpPort = await listen(http);
    const silentPort = await listen(silent);
    await assert.rejects(inspectEndpoint('127.0.0.1', httpPort, { timeoutMs: 3000 }), (e: unknown) => e instanceof InspectError && ['not-tls', 'reset', 'handshake'].includes(e.code));
    const t0 = Date.now();
    await assert.rejects(inspectEndpoint('127.0.0.1', silentPort, { timeoutMs: 300 }), (e: unknown) => e instanceof InspectError && e.code === 'timeout' && /within 0 s|within 1 s|within/.test(e.message));
    assert.ok(Date.now() - t0 < 2000);
    const ac = new AbortController();
    const p = inspectEndpoint('127.0.0.1', silentPort, { timeoutMs: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, (e: unknown) => e instanceof InspectError && e.code === 'cancelled');
  });

  it('parseEndpoint', () => {
    assert.deepEqual(parseEndpoint('esx01'), { host: 'esx01', port: 443 });
    assert.deepEqual(parseEndpoint('esx01:902'), { host: 'esx01', port: 902 });
    assert.deepEqual(parseEndpoint('[fe80::1]:8443'), { host: 'fe80::1', port: 8443 });
    assert.deepEqual(parseEndpoint('fe80::1'), { host: 'fe80::1', port: 443 });
    assert.deepEqual(parseEndpoint('https://vc01.lab.local/sdk'), { host: 'vc01.lab.local', port: 443 });
    assert.throws(() => parseEndpoint('host:99999'), InspectError);
  });
});

describe('inspectEndpoint (peer: openssl s_server with a CA chain)', function () {
  this.timeout(30_000);
  let dir: string;
  let proc: ChildProcess | undefined;
  let port = 0;

  before(async () => {
    const { leaf, leafKey, inter } = testPki();
    dir = mkdtempSync(path.join(tmpdir(), 'vlab-sserver-'));
    writeFileSync(path.join(dir, 'leaf.pem'), pem(leaf));
    writeFileSync(path.join(dir, 'leaf.key'), leafKey.pem);
    writeFileSync(path.join(dir, 'inter.pem'), pem(inter));
    const probe = net.createServer();
    port = await listen(probe);
    await new Promise<void>((r) => probe.close(() => r()));
    proc = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'inter.pem', '-www'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (d: Buffer): void => { seen += d.toString(); if (/ACCEPT/.test(seen)) resolve(); };
      proc!.stdout!.on('data', onData);
      proc!.stderr!.on('data', onData);
      proc!.once('exit', (c) => reject(new Error(`s_server exited ${c}: ${seen}`)));
    });
  });
  after(() => {
    proc?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the chain the server sends, leaf first, and only the trust warning', async () => {
    const r = await inspectEndpoint('127.0.0.1', port, { servername: 'esx01.lab.local', timeoutMs: 5000 });
    assert.deepEqual(r.chain.map((c) => c.subject.commonName), ['esx01.lab.local', 'Lab Issuing CA']);
    assert.equal(r.chain[1].isCA, true);
    assert.equal(r.trust.authorized, false);
    assert.equal(r.trust.error, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.deepEqual(codes(r), ['untrusted/warning']);
    assert.match(r.findings[0].message, /issued by a CA this machine does not trust/);
    assert.match(r.protocol ?? '', /TLSv1\.[23]/);
  });

  it('a chain to the root of the user\'s own CA is "signed by your CA" (info), not untrusted', async () => {
    const { chainPem, root } = testPki();
    const r = await inspectEndpoint('127.0.0.1', port, { servername: 'esx01.lab.local', timeoutMs: 5000, privateRoots: [chainPem] });
    assert.deepEqual(codes(r), ['private-ca/info']);
    assert.match(r.findings[0].message, /chains to your CA .*Lab Root CA/);
    // The root alone, as DER, is enough: the server sends the intermediate.
    const der = Buffer.from(pem(root).replace(/-----[^-]+-----|\s/g, ''), 'base64');
    assert.deepEqual(codes(await inspectEndpoint('127.0.0.1', port, { servername: 'esx01.lab.local', timeoutMs: 5000, privateRoots: [der] })), ['private-ca/info']);
  });

  it('another CA\'s root, or a garbled one, leaves the chain untrusted', async () => {
    const otherKey = rsaKey(2048, 'other-root');
    const other = pem(issue({ cn: 'Lab Root CA', o: 'Lab', key: otherKey, ca: true }));
    for (const roots of [[other], ['-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n']]) {
      const r = await inspectEndpoint('127.0.0.1', port, { servername: 'esx01.lab.local', timeoutMs: 5000, privateRoots: roots });
      assert.deepEqual(codes(r), ['untrusted/warning']);
    }
  });

  it('vlab cert inspect --ca ROOT says the host is signed by that CA', async () => {
    const caFile = path.join(dir, 'root.pem');
    writeFileSync(caFile, pem(testPki().root));
    const io = fakeIO(process.cwd());
    const code = await runCli(['cert', 'inspect', `127.0.0.1:${port}`, '--servername', 'esx01.lab.local', '--ca', caFile, '--json'], io, commands);
    assert.equal(code, 0, io.err);
    assert.deepEqual(codes(JSON.parse(io.out)), ['private-ca/info']);
    writeFileSync(caFile, 'hello');
    const bad = fakeIO(process.cwd());
    assert.equal(await runCli(['cert', 'inspect', `127.0.0.1:${port}`, '--ca', caFile], bad, commands), 2);
    assert.match(bad.err, /--ca .*root\.pem: not a CA certificate file/);
  });

  it('the IP SAN covers 10.0.0.5 but not the loopback address', async () => {
    const r = await inspectEndpoint('127.0.0.1', port, { timeoutMs: 5000 });
    assert.ok(codes(r).includes('hostname-mismatch/error'));
    assert.match(r.findings.find((f) => f.code === 'hostname-mismatch')!.message, /DNS:esx01\.lab\.local, DNS:esx01, IP:10\.0\.0\.5/);
  });
});
