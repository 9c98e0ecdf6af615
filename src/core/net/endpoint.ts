/**
 * The one parser of network endpoints as people type them, for every layer: the vSphere SDK URL
 * (core/vsphere/client `parseSdkUrl`), a TLS endpoint to inspect (core/certs/inspect
 * `parseEndpoint`), an SSH target (core/esxi/ssh `parseSshTarget`), the certificate wizard's host
 * field and the inventory's connection labels. Those wrap this one with their default port, the
 * schemes they take and their own error; none parses `host:port` by itself.
 *
 * Accepted, with surrounding blanks ignored:
 * - `host`, `host:port`, `[v6]`, `[v6]:port`, and a bare IPv6 address (`fe80::1`: its colons are the
 *   address's, so it takes the default port);
 * - `user@` before any of them, and a `/path` after them;
 * - a URL `scheme://[user@]host[:port][/path]` of any scheme: without a port, the scheme's own
 *   (https 443, http 80, ssh 22), else the default port.
 * Host names come back lower-cased (DNS is case-insensitive), IPv6 without brackets. Undefined
 * when the text is none of these, or the port is not 1–65535.
 */
import { isIP } from 'node:net';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface ParsedEndpoint extends Endpoint {
  /** The URL scheme, lower-case without ':' ('https', 'ssh'), when the text was a URL. */
  readonly scheme?: string;
  readonly user?: string;
  /** The path without a trailing '/' ('/sdk'), when there is one. */
  readonly path?: string;
}

const SCHEME_PORTS: Readonly<Record<string, number>> = { https: 443, wss: 443, http: 80, ws: 80, ftp: 21, ssh: 22 };

const URL_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;

function validPort(text: string | undefined, fallback: number): number | undefined {
  const port = text ? Number(text) : fallback;
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

function fromUrl(text: string, defaultPort: number): ParsedEndpoint | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = validPort(u.port, SCHEME_PORTS[scheme] ?? defaultPort);
  if (!host || port === undefined) return undefined;
  const path = u.pathname && u.pathname !== '/' ? u.pathname.replace(/\/$/, '') : undefined;
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  return { host, port, scheme, ...(user ? { user } : {}), ...(path ? { path } : {}) };
}

/** `text` as an endpoint (see the header for the forms), or undefined. */
export function parseEndpoint(text: string, defaultPort: number): ParsedEndpoint | undefined {
  const t = text.trim();
  if (!t || /\s/.test(t)) return undefined;
  if (URL_PREFIX.test(t)) return fromUrl(t, defaultPort);
  const m = /^(?:([^@/[\]]+)@)?(\[[^\]/]+\](?::[^/]*)?|[^/]+)(\/.*)?$/.exec(t);
  if (!m) return undefined;
  const [, user, hostPort, rawPath] = m;
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  const plain = /^([^:@[\]]+)(?::(\d+))?$/.exec(hostPort);
  if (bracket) [, host, portText] = bracket;
  else if (isIP(hostPort) === 6) host = hostPort;
  else if (plain) [, host, portText] = plain;
  else return undefined;
  const port = validPort(portText, defaultPort);
  if (port === undefined) return undefined;
  const path = rawPath && rawPath !== '/' ? rawPath.replace(/\/$/, '') : undefined;
  return { host: host.toLowerCase(), port, ...(user ? { user } : {}), ...(path ? { path } : {}) };
}

/** `host`, `host:port` or `[v6]:port`; the port left out when it is `defaultPort`. */
export function formatEndpoint(ep: Endpoint, defaultPort?: number): string {
  const host = ep.host.includes(':') ? `[${ep.host}]` : ep.host;
  return ep.port === defaultPort ? host : `${host}:${ep.port}`;
}
