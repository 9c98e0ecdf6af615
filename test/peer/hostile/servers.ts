/**
 * Hostile peers, written for the `hostile` suite: Node servers on loopback that misbehave on
 * purpose (slow-loris bodies, handshakes that never end, huge bodies, endless or repeating paging,
 * garbage, keyboard-interactive probes). Each returns its port and a close() that ends every socket.
 */
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import forge from 'node-forge';
import type { AddressInfo } from 'node:net';
import { makeSelfSignedCert, type LabCert } from '../../lab/certs';

let certCache: LabCert | undefined;
export function hostileCert(): LabCert {
  return (certCache ??= makeSelfSignedCert({ commonName: 'hostile.lab.local', bits: 2048 }));
}

export interface Peer {
  port: number;
  url: string;
  /** TCP connections accepted so far. */
  connections: () => number;
  close(): Promise<void>;
}

function track(server: net.Server): { sockets: Set<net.Socket>; count: () => number; timers: Set<NodeJS.Timeout> } {
  const sockets = new Set<net.Socket>();
  let n = 0;
  server.on('connection', (s: net.Socket) => {
    n++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  return { sockets, count: () => n, timers: new Set() };
}

async function listen(server: net.Server, t: ReturnType<typeof track>): Promise<Peer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}/sdk`,
    connections: t.count,
    close: () => new Promise<void>((resolve) => {
      for (const timer of t.timers) clearInterval(timer);
      for (const s of t.sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * A TCP server that starts a TLS handshake record and never finishes it: one byte every
 * `everyMs`, forever (an idle timer never fires; only a wall-clock deadline ends it).
 */
export async function tricklingHandshake(everyMs = 100): Promise<Peer> {
  const server = net.createServer();
  const t = track(server);
  server.on('connection', (s: net.Socket) => {
    // A TLS handshake record header announcing 16 KiB, then its body one byte at a time.
    s.write(Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00]));
    const timer = setInterval(() => { if (!s.destroyed) s.write(Buffer.from([0x02])); }, everyMs);
    t.timers.add(timer);
    s.on('close', () => { clearInterval(timer); t.timers.delete(timer); });
  });
  return listen(server, t);
}

/** A TCP server that answers anything with random bytes (not TLS, not HTTP). */
export async function garbage(): Promise<Peer> {
  const server = net.createServer();
  const t = track(server);
  server.on('connection', (s: net.Socket) => { s.end(crypto.randomBytes(4096)); });
  return listen(server, t);
}

export type HttpsHandler = (method: string, body: string, res: import('node:http').ServerResponse, t: { timers: Set<NodeJS.Timeout> }) => void;

/** An HTTPS server that reads the SOAP method of each request and lets `handler` answer (or not). */
export async function hostileHttps(handler: HttpsHandler, cert: LabCert = hostileCert()): Promise<Peer> {
  const t0 = { timers: new Set<NodeJS.Timeout>() };
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const m = /<soapenv:Body><([A-Za-z_]+)/.exec(body);
      handler(m ? m[1] : `${req.method} ${req.url}`, body, res, t0);
    });
    res.on('error', () => undefined);
  });
  const t = track(server);
  t.timers = t0.timers;
  return listen(server, t);
}

/** Writes a body forever, `bytes` every `everyMs` (slow-loris when small, a flood when large). */
export function trickle(res: import('node:http').ServerResponse, t: { timers: Set<NodeJS.Timeout> }, chunk: Buffer, everyMs: number, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', ...headers });
  res.write('<?xml version="1.0" encoding="UTF-8"?>');
  const timer = setInterval(() => { if (!res.destroyed) res.write(chunk); }, everyMs);
  t.timers.add(timer);
  res.on('close', () => { clearInterval(timer); t.timers.delete(timer); });
}

/** Streams `total` bytes as fast as the client reads them (back-pressured), in 64 KiB chunks. */
export function flood(res: import('node:http').ServerResponse, total: number, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', ...headers });
  const chunk = Buffer.alloc(65536, 0x20);
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) { res.once('drain', pump); return; }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

/**
 * A self-signed certificate whose notAfter is an impossible date (`notAfter` as UTCTime text, e.g.
 * month 13: `261301000000Z`). Its signature no longer matches (the time is changed after signing):
 * only a trust prompt or an inspection reads it, nobody verifies it.
 */
export function badDateCert(notAfter = '261301000000Z'): LabCert {
  const base = makeSelfSignedCert({ commonName: 'bad-dates.lab.local', bits: 2048 });
  const asn = forge.asn1.fromDer(forge.util.decode64(base.certPem.replace(/-----[A-Z ]+-----|\s/g, '')));
  const tbs = (asn.value as forge.asn1.Asn1[])[0];
  const fields = tbs.value as forge.asn1.Asn1[];
  const validity = fields[fields[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 4 : 3];
  const after = (validity.value as forge.asn1.Asn1[])[1];
  after.type = notAfter.length === 13 ? forge.asn1.Type.UTCTIME : forge.asn1.Type.GENERALIZEDTIME;
  after.value = notAfter;
  const der = forge.asn1.toDer(asn).getBytes();
  const certPem = `-----BEGIN CERTIFICATE-----\n${forge.util.encode64(der).replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
  return { ...base, certPem };
}

/** A TLS server presenting `cert`; it ends every connection after the handshake. */
export async function tlsPeer(cert: LabCert): Promise<Peer> {
  const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem }, (s) => s.end());
  const t = track(server);
  return listen(server, t);
}
