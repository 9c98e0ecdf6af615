/**
 * vSphere Web Services client: SOAP over HTTPS with one keep-alive agent per connection, session
 * cookie in memory only, keep-alive calls, one transparent re-login when the session expired.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { CancelledError, isCancellation } from '../errors';
import { asString, asObject, type MoRef, type VimObject, type VimValue } from './decode';
import {
  ConnectionError, faultToError, NotAuthenticatedError, ProtocolError, ResponseTooLargeError, TimeoutError,
  UntrustedCertificateError, VsphereError,
} from './errors';
import { buildEnvelope, readEnvelope, readReturn, type SoapValue, type TextSink } from './soap';
import { createAgent, fetchPeerCertificate, isUntrustedCertificateError, untrustedReason, type TrustPolicy } from './tls';
import { parseXml, parseXmlFast, type XNode } from './xml';
import { Generation } from './generation';
import { formatEndpoint, parseEndpoint } from '../net/endpoint';

const constant = <T>(v: T) => (): T => v;

/** A thunk computed once. */
function memo<T>(f: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) { v = f(); done = true; }
    return v;
  };
}

export const SESSION_COOKIE = 'vmware_soap_session';
/** Default cap of one response body (SOAP or a file read into memory), checked while it streams. */
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1048576;
/** The longest a trust prompt's certificate read may add after a failed handshake. */
const DESCRIBE_CERT_MS = 10000;

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager?: MoRef;
  sessionManager?: MoRef;
  perfManager?: MoRef;
  fileManager?: MoRef;
  virtualDiskManager?: MoRef;
  searchIndex?: MoRef;
  taskManager?: MoRef;
  about: {
    name: string; fullName: string; vendor: string; version: string; build: string;
    apiType: string; apiVersion: string; instanceUuid?: string; osType?: string; productLineId?: string;
  };
  raw: VimObject;
}

export interface ConnectOptions {
  /** `https://host[:port][/sdk]` or `host[:port]`. */
  url: string;
  username: string;
  password: string;
  trust?: TrustPolicy;
  /**
   * Deadline of one request in wall-clock time (default 60 s): connect, TLS handshake, request and
   * the whole response body. A server trickling bytes is stopped at the deadline, not kept alive.
   */
  timeoutMs?: number;
  /** Cap of one response body in bytes (default 128 MiB), enforced while it streams. */
  maxResponseBytes?: number;
  /** Interval of the keep-alive call (default 10 min; 0 disables). */
  keepAliveMs?: number;
  signal?: AbortSignal;
  userAgent?: string;
  /** Called with diagnostics (never with secrets). */
  log?: (message: string) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Parse the response with the specialised scanner (large property results). */
  fast?: boolean;
  /** Do not re-login on NotAuthenticated (the caller retries as a whole). */
  noRelogin?: boolean;
}

export interface SdkEndpoint {
  host: string;
  port: number;
  path: string;
  /** `host:port` for messages. */
  display: string;
}

/** `https://host[:port]/path` or `host[:port]` (core/net/endpoint's forms) → the SDK endpoint; `/sdk` unless a path is given. */
export function parseSdkUrl(input: string): SdkEndpoint {
  const ep = parseEndpoint(input, 443);
  if (!ep) throw new VsphereError('badUrl', `"${input}" is not a valid address. Use https://host[:port]/sdk or host[:port].`);
  if ((ep.scheme ?? 'https') !== 'https') throw new VsphereError('badUrl', `"${input}" must use https (vSphere requires TLS).`);
  return { host: ep.host, port: ep.port, path: ep.path ?? '/sdk', display: formatEndpoint(ep, 443) };
}

/** A timeout in ms: a finite positive number (capped at 24 h), else the fallback. */
function boundedMs(ms: number | undefined, fallback: number): number {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? Math.min(ms, 86_400_000) : fallback;
}

function isIp(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(':');
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class VimClient {
  readonly endpoint: SdkEndpoint;
  readonly agent: https.Agent;
  serviceContent!: ServiceContent;
  /** The server's generation, parsed once from `about` when the service content is read (generation.ts). */
  generation: Generation | undefined;
  /** Namespace version used in SOAPAction (from about.apiVersion). */
  apiVersion = '6.0';
  private cookie: string | undefined;
  private readonly username: string;
  private password: string;
  private readonly timeoutMs: number;
  /** Cap of one response body (bytes), enforced while it streams. */
  readonly maxResponseBytes: number;
  private readonly userAgent: string;
  private readonly trust: TrustPolicy;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private loginGeneration = 0;
  private relogin: Promise<void> | undefined;
  private closed = false;
  private readonly log: (m: string) => void;
  userSession: VimObject | undefined;

  private constructor(opts: ConnectOptions) {
    this.endpoint = parseSdkUrl(opts.url);
    this.trust = opts.trust ?? { mode: 'system' };
    this.timeoutMs = boundedMs(opts.timeoutMs, 60000);
    this.maxResponseBytes = opts.maxResponseBytes !== undefined && opts.maxResponseBytes > 0 ? opts.maxResponseBytes : DEFAULT_MAX_RESPONSE_BYTES;
    this.agent = createAgent(this.trust, { handshakeTimeoutMs: Math.min(this.timeoutMs, 30000) });
    this.username = opts.username;
    this.password = opts.password;
    this.userAgent = opts.userAgent ?? 'vsphere-lab';
    this.log = opts.log ?? (() => undefined);
  }

  /** Connects: RetrieveServiceContent, Login, and starts the keep-alive. */
  static async connect(opts: ConnectOptions): Promise<VimClient> {
    const c = new VimClient(opts);
    try {
      await c.retrieveServiceContent({ signal: opts.signal });
      await c.login({ signal: opts.signal });
    } catch (e) {
      c.agent.destroy();
      throw e;
    }
    c.startKeepAlive(opts.keepAliveMs ?? 600000);
    return c;
  }

  /** Creates a client without logging in (RetrieveServiceContent only). */
  static async open(opts: ConnectOptions): Promise<VimClient> {
    const c = new VimClient(opts);
    try {
      await c.retrieveServiceContent({ signal: opts.signal });
    } catch (e) {
      c.agent.destroy();
      throw e;
    }
    return c;
  }

  get serviceInstance(): MoRef {
    return { type: 'ServiceInstance', value: 'ServiceInstance' };
  }

  get hasSession(): boolean {
    return this.cookie !== undefined;
  }

  /** The session cookie header value, for HTTP calls outside SOAP (datastore files). */
  cookieHeader(): string | undefined {
    return this.cookie !== undefined ? `${SESSION_COOKIE}=${this.cookie}` : undefined;
  }

  async retrieveServiceContent(opts: CallOptions = {}): Promise<ServiceContent> {
    const v = await this.invoke('RetrieveServiceContent', this.serviceInstance, [], 'ServiceContent', { ...opts, noRelogin: true });
    const o = asObject(v);
    const about = asObject(o?.about);
    if (!o || !about || !o.rootFolder || !o.propertyCollector) {
      throw new ProtocolError(this.endpoint.display, 'RetrieveServiceContent', 'no ServiceContent');
    }
    const s = (k: string): string => asString(about[k]) ?? '';
    const ref = (k: string): MoRef | undefined => (o[k] && typeof o[k] === 'object' && 'value' in (o[k] as object) ? (o[k] as MoRef) : undefined);
    this.serviceContent = {
      rootFolder: o.rootFolder as MoRef,
      propertyCollector: o.propertyCollector as MoRef,
      viewManager: ref('viewManager'),
      sessionManager: ref('sessionManager'),
      perfManager: ref('perfManager'),
      fileManager: ref('fileManager'),
      virtualDiskManager: ref('virtualDiskManager'),
      searchIndex: ref('searchIndex'),
      taskManager: ref('taskManager'),
      about: {
        name: s('name'), fullName: s('fullName'), vendor: s('vendor'), version: s('version'), build: s('build'),
        apiType: s('apiType'), apiVersion: s('apiVersion'), instanceUuid: asString(about.instanceUuid), osType: asString(about.osType),
        productLineId: asString(about.productLineId),
      },
      raw: o,
    };
    if (/^\d+\.\d+/.test(this.serviceContent.about.apiVersion)) this.apiVersion = this.serviceContent.about.apiVersion;
    this.generation = Generation.fromAbout(this.serviceContent.about);
    return this.serviceContent;
  }

  private sessionManager(): MoRef {
    const sm = this.serviceContent?.sessionManager;
    if (!sm) throw new VsphereError('noSessionManager', `${this.endpoint.display} has no SessionManager; it is not a vCenter or ESXi SDK endpoint.`);
    return sm;
  }

  async login(opts: CallOptions = {}): Promise<VimObject> {
    const v = await this.invoke('Login', this.sessionManager(), [['userName', this.username], ['password', this.password]], 'UserSession', { ...opts, noRelogin: true });
    this.loginGeneration++;
    this.userSession = asObject(v);
    this.log(`logged in to ${this.endpoint.display} as ${this.username}`);
    return this.userSession ?? {};
  }

  /** Replaces the password used for re-login (e.g. after the user updated it). */
  setPassword(password: string): void {
    this.password = password;
  }

  /** Logs out (best effort), stops the keep-alive and closes sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    try {
      if (this.cookie !== undefined && this.serviceContent?.sessionManager) {
        await this.invoke('Logout', this.serviceContent.sessionManager, [], undefined, { noRelogin: true, timeoutMs: 5000 });
      }
    } catch (e) {
      this.log(`logout: ${(e as Error).message}`);
    } finally {
      this.closed = true;
      this.cookie = undefined;
      this.agent.destroy();
    }
  }

  private startKeepAlive(ms: number): void {
    if (!ms) return;
    this.keepAliveTimer = setInterval(() => {
      this.currentTime().catch((e: Error) => this.log(`keep-alive: ${e.message}`));
    }, ms);
    this.keepAliveTimer.unref();
  }

  async currentTime(opts: CallOptions = {}): Promise<string> {
    return asString(await this.invoke('CurrentTime', this.serviceInstance, [], 'dateTime', opts)) ?? '';
  }

  /**
   * Runs `op`; if it fails with NotAuthenticated (a fault, or a missingSet turned into the same error)
   * and a session existed, logs in once more and runs it again.
   */
  async withRelogin<T>(op: () => Promise<T>): Promise<T> {
    const gen = this.loginGeneration;
    try {
      return await op();
    } catch (e) {
      if (!(e instanceof NotAuthenticatedError) || this.closed || gen === 0) throw e;
      if (gen === this.loginGeneration) await this.reloginOnce();
      return op();
    }
  }

  private async reloginOnce(): Promise<void> {
    if (!this.relogin) {
      this.log(`session on ${this.endpoint.display} expired; logging in again`);
      this.cookie = undefined;
      this.relogin = this.login().then(() => undefined).finally(() => { this.relogin = undefined; });
    }
    return this.relogin;
  }

  /** Invokes a vim25 method and decodes its return value with `returnType`. */
  async invoke(method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]> = [], returnType?: string, opts: CallOptions = {}): Promise<VimValue | undefined> {
    const node = await this.invokeRaw(method, thisRef, args, opts);
    return readReturn(node, returnType);
  }

  /** Invokes a method and returns the response element (for specialised readers). */
  async invokeRaw(method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]> = [], opts: CallOptions = {}): Promise<XNode> {
    const once = (): Promise<XNode> => this.invokeOnce(method, thisRef, args, opts);
    return opts.noRelogin ? once() : this.withRelogin(once);
  }

  /**
   * Invokes a method and hands the response text to `extract` (a specialised reader); when it
   * returns undefined (fault, unexpected shape) the generic reader runs, raising faults as usual.
   */
  async invokeText<T>(method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]>, opts: CallOptions,
    extract: (xml: string) => T | undefined, stream?: () => TextSink<T>): Promise<{ extracted: T; response?: undefined } | { extracted?: undefined; response: XNode }> {
    const once = async (): Promise<{ extracted: T; response?: undefined } | { extracted?: undefined; response: XNode }> => {
      // With `stream`, the sink reads the text while it arrives (parsing overlaps the transfer).
      const sink = stream?.();
      // Streamed, the whole text is only joined when a reader needs it (a fault, an unexpected shape).
      const text = sink
        ? await this.postStreamed(method, thisRef, args, opts, (piece) => { try { sink.push(piece); } catch { /* result() falls back */ } })
        : constant(await this.post(method, thisRef, args, opts));
      let extracted: T | undefined;
      try {
        extracted = sink ? sink.result(text) : extract(text());
      } catch {
        extracted = undefined; // let the generic reader report what is wrong
      }
      if (extracted !== undefined) return { extracted };
      return { response: this.readResponse(text(), method, thisRef, true) };
    };
    return opts.noRelogin ? once() : this.withRelogin(once);
  }

  private async invokeOnce(method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]>, opts: CallOptions): Promise<XNode> {
    const text = await this.post(method, thisRef, args, opts);
    return this.readResponse(text, method, thisRef, opts.fast ?? false);
  }

  private async post(method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]>, opts: CallOptions): Promise<string> {
    const res = await this.postRaw(method, thisRef, args, opts);
    return res.body.toString('utf8');
  }

  /**
   * Like `post`, with the text decoded chunk by chunk into `onText` while it arrives (a split UTF-8
   * sequence waits for its end). The body is kept as bytes (outside the JavaScript heap: a page's
   * text is not copied by every young-generation collection while the page is read), and the whole
   * text is decoded only when the returned function is called.
   */
  private async postStreamed(method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]>, opts: CallOptions, onText: (piece: string) => void): Promise<() => string> {
    const decoder = new StringDecoder('utf8');
    const chunks: Buffer[] = [];
    const onChunk = (c: Buffer): void => {
      chunks.push(c);
      const t = decoder.write(c);
      if (t) onText(t);
    };
    await this.postRaw(method, thisRef, args, opts, onChunk);
    const tail = decoder.end();
    if (tail) onText(tail);
    return memo(() => Buffer.concat(chunks).toString('utf8'));
  }

  private async postRaw(method: string, thisRef: MoRef, args: ReadonlyArray<readonly [string, SoapValue]>, opts: CallOptions, onChunk?: (c: Buffer) => void): Promise<RawResponse> {
    if (this.closed) throw new VsphereError('closed', `The connection to ${this.endpoint.display} is closed. Connect again.`);
    const body = Buffer.from(buildEnvelope(method, thisRef, args), 'utf8');
    let first: number | undefined;
    const res = await this.request({
      method: 'POST',
      path: this.endpoint.path,
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: `"urn:vim25/${this.apiVersion}"`,
        'content-length': String(body.length),
      },
      body,
      what: method,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      onChunk: onChunk && ((c) => { first ??= c[0]; onChunk(c); }),
      keepBody: !onChunk,
    });
    const ct = String(res.headers['content-type'] ?? '');
    if (res.status !== 200 && res.status !== 500) {
      throw new ProtocolError(this.endpoint.display, method, `HTTP ${res.status}`);
    }
    first ??= res.body.length ? res.body[0] : undefined;
    if (!/xml/i.test(ct) && first !== undefined && first !== 0x3c) {
      throw new ProtocolError(this.endpoint.display, method, `content type ${ct || 'none'}`);
    }
    return res;
  }

  private readResponse(text: string, method: string, thisRef: MoRef, fast: boolean): XNode {
    const what = `${method} on ${thisRef.type}:${thisRef.value}`;
    let root: XNode;
    try {
      root = fast ? parseXmlFast(text) : parseXml(text);
    } catch (e) {
      throw new ProtocolError(this.endpoint.display, method, (e as Error).message);
    }
    let r;
    try {
      r = readEnvelope(root);
    } catch (e) {
      throw new ProtocolError(this.endpoint.display, method, (e as Error).message);
    }
    if (!r.ok) throw faultToError(r.fault.faultType, r.fault.message, r.fault.detail, what, this.endpoint.display);
    return r.response;
  }

  /**
   * One HTTP exchange on the connection's agent, with cookie handling, a wall-clock deadline,
   * cancellation, and the response body capped at `maxResponseBytes` while it streams (a declared
   * Content-Length over the cap is refused before a byte of the body is read).
   */
  request(req: {
    method: string; path: string; headers?: http.OutgoingHttpHeaders; body?: Buffer; what: string;
    signal?: AbortSignal; timeoutMs?: number; maxBytes?: number;
    /** Each body chunk as it arrives (the body is still collected and returned whole unless `keepBody` is false). */
    onChunk?: (chunk: Buffer) => void;
    /** False: the body is not kept (an empty `body` is returned); for callers that read it through `onChunk`. */
    keepBody?: boolean;
  }): Promise<RawResponse> {
    const cap = req.maxBytes ?? this.maxResponseBytes;
    const keep = req.keepBody !== false;
    return new Promise<RawResponse>((resolve, reject) => {
      const r = this.startRequest(req, (err, res) => {
        if (err || !res) { reject(err); return; }
        const tooLarge = (): void => {
          const e = new ResponseTooLargeError(this.endpoint.display, req.what, cap);
          reject(e);
          res.destroy(e);
        };
        if (Number(res.headers['content-length'] ?? 0) > cap) { tooLarge(); return; }
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes > cap) { tooLarge(); return; }
          if (keep) chunks.push(c);
          req.onChunk?.(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(this.mapError(e, req.what, req.timeoutMs)));
      });
      r.end(req.body);
    });
  }

  /**
   * Starts a request and calls `onResponse` once with the response (whose body the caller consumes)
   * or a mapped error. Used by datastore file streaming.
   */
  startRequest(
    req: { method: string; path: string; headers?: http.OutgoingHttpHeaders; what: string; signal?: AbortSignal; timeoutMs?: number },
    onResponse: (err: Error | null, res?: http.IncomingMessage) => void,
  ): http.ClientRequest {
    const timeoutMs = boundedMs(req.timeoutMs, this.timeoutMs);
    const startedAt = Date.now();
    const headers: http.OutgoingHttpHeaders = { 'user-agent': this.userAgent, ...req.headers };
    if (this.cookie !== undefined) headers.cookie = `${SESSION_COOKIE}=${this.cookie}`;
    let done = false;
    let response: http.IncomingMessage | undefined;
    const finish = (err: Error | null, res?: http.IncomingMessage): void => {
      if (err) clearTimeout(deadline);
      if (done) return;
      done = true;
      onResponse(err, res);
    };
    const r = https.request({
      host: this.endpoint.host,
      port: this.endpoint.port,
      servername: isIp(this.endpoint.host) ? undefined : this.endpoint.host,
      method: req.method,
      path: req.path,
      headers,
      agent: this.agent,
      signal: req.signal,
    }, (res) => {
      response = res;
      this.takeCookie(res.headers['set-cookie']);
      res.once('close', () => clearTimeout(deadline));
      finish(null, res);
      res.on('error', () => undefined);
    });
    // Wall-clock, from now to the last byte of the body: an idle timer never fires on a server
    // that sends one byte every few seconds, nor bounds a handshake that the agent holds back.
    const deadline = setTimeout(() => {
      const e = new TimeoutError(this.endpoint.display, req.what, timeoutMs);
      response?.destroy(e);
      r.destroy(e);
    }, timeoutMs);
    r.on('error', (e) => {
      const left = Math.max(1, timeoutMs - (Date.now() - startedAt));
      this.mapErrorAsync(e, req.what, timeoutMs, left).then((m) => finish(m), (m: Error) => finish(m));
    });
    return r;
  }

  private takeCookie(setCookie: string[] | undefined): void {
    for (const c of setCookie ?? []) {
      const m = new RegExp(`^\\s*${SESSION_COOKIE}=([^;]*)`).exec(c);
      if (m) this.cookie = m[1];
    }
  }

  private mapError(e: unknown, what: string, timeoutMs?: number): Error {
    if (e instanceof VsphereError || e instanceof CancelledError) return e;
    if (isCancellation(e)) return new CancelledError(`${what} on ${this.endpoint.display}`, { cause: e });
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'ETIMEDOUT') return new TimeoutError(this.endpoint.display, what, timeoutMs ?? this.timeoutMs);
    return new ConnectionError(this.endpoint.display, err?.code ?? err?.message ?? 'unknown', e);
  }

  /** Like mapError, and for untrusted certificates fetches the certificate to describe it. */
  private async mapErrorAsync(e: unknown, what: string, timeoutMs: number, leftMs: number): Promise<Error> {
    const code = isUntrustedCertificateError(e);
    if (code) {
      let desc;
      try {
        desc = await fetchPeerCertificate({ host: this.endpoint.host, port: this.endpoint.port, servername: isIp(this.endpoint.host) ? undefined : this.endpoint.host }, { timeoutMs: Math.min(DESCRIBE_CERT_MS, leftMs) });
      } catch {
        desc = undefined;
      }
      return new UntrustedCertificateError(this.endpoint.display, untrustedReason(code), desc);
    }
    return this.mapError(e, what, timeoutMs);
  }
}
