/**
 * SSH to an ESX(i) host (or any OpenSSH server) on ssh2's Client: password and keyboard-interactive
 * authentication (keyboard-interactive is what ESXi offers root by default), host-key pinning in
 * OpenSSH's `SHA256:base64` fingerprint form, exec with exit code / timeout / cancellation, and the
 * few SFTP operations a certificate deploy needs.
 *
 * Host keys are treated like TLS certificates elsewhere in vSphere Lab: an unknown key stops the
 * connection with {@link UnknownHostKeyError} (carrying the fingerprint so a UI can ask and pin it),
 * a key that differs from the pinned one stops it with {@link HostKeyChangedError}. Nothing is ever
 * trusted silently.
 *
 * ssh2 is loaded with `require` inside {@link SshSession.connect} so that importing this module costs
 * nothing at extension activation.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { lazy } from '../lazy';
import { parseEndpoint } from '../net/endpoint';

/** ssh2 (and its crypto) loads on the first connect (core/lazy.ts). */
const ssh2 = lazy(() => require('ssh2') as typeof import('ssh2'));
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper, Stats } from 'ssh2';
import { CancelledError, LabError, type ErrorCode } from '../errors';

export interface SshConnectOptions {
  readonly host: string;
  /** Default 22. */
  readonly port?: number;
  readonly username: string;
  /** Used for both password and keyboard-interactive authentication. */
  readonly password?: string;
  /** OpenSSH private key (for hosts set up with authorized keys). */
  readonly privateKey?: string | Buffer;
  /**
   * Pinned host key fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it (padding optional).
   * Without it the connection fails with {@link UnknownHostKeyError} unless `trustUnknownHostKey` says yes.
   */
  readonly hostKey?: string;
  /** Asked when no key is pinned; return true to accept this fingerprint for this connection. */
  readonly trustUnknownHostKey?: (fingerprint: string) => boolean | Promise<boolean>;
  /** Connect + handshake + authentication; default 20 s. */
  readonly readyTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ExecOptions {
  /** Default 60 s; the command's channel is closed when it runs out. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Streams stdout as it arrives (long outputs such as `esxtop -b`); the result's stdout is then empty. */
  readonly onStdout?: (chunk: Buffer) => void;
  /**
   * Cap of the output kept in memory, stdout and stderr each (default {@link MAX_EXEC_OUTPUT_BYTES});
   * past it the command is stopped with an `output` error. Streamed stdout (`onStdout`) is not kept.
   */
  readonly maxOutputBytes?: number;
}

/** Default cap of a command's stdout (and of its stderr) kept in memory: 16 MiB. */
export const MAX_EXEC_OUTPUT_BYTES = 16 * 1048576;
/** Default cap of a file read whole over SFTP: 64 MiB. */
export const MAX_SFTP_READ_BYTES = 64 * 1048576;

export interface ExecResult {
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  /** Exit status; null when the command died from a signal or the channel closed without one. */
  readonly code: number | null;
  readonly signal?: string;
  readonly ms: number;
}

/**
 * Codes of the SSH layer's errors. They are published as the CLI's JSON `error.code`
 * (`vlab memory esxtop --ssh`), so the kebab-case ones stay as they are; the shared ones
 * (`auth`, `timeout`, `refused`) are the same words as src/core/errors.ts's `ErrorCode`.
 */
export type SshErrorCode =
  | Extract<ErrorCode, 'auth' | 'timeout' | 'refused'>
  | 'unknown-host-key' | 'host-key-changed' | 'bad-fingerprint'
  | 'dns' | 'unreachable' | 'reset' | 'connect' | 'closed' | 'config'
  | 'exec' | 'output' | 'no-sftp' | 'no-such-file' | 'permission' | 'unsupported' | 'sftp';

/**
 * Base class: every SSH failure here has a stable `code` and an administrator-readable message.
 * A cancelled connect or command raises the one `CancelledError` of src/core/errors.ts.
 */
export class SshError extends LabError {
  declare readonly code: SshErrorCode;
  constructor(message: string, code: SshErrorCode) {
    super(code, message);
    this.name = 'SshError';
  }
}

/**
 * The host's public key file for the key type the server presented (ssh2 prefers ed25519, then
 * ECDSA, then RSA), so the fingerprint a user compares is the right one.
 */
export function hostKeyFile(keyType: string | undefined): string {
  const t = (keyType ?? '').toLowerCase();
  const kind = t.includes('ed25519') ? 'ed25519' : t.startsWith('ecdsa') ? 'ecdsa' : t.includes('rsa') ? 'rsa' : t.includes('dss') ? 'dsa' : '*';
  return `/etc/ssh/ssh_host_${kind}_key.pub`;
}

/**
 * An SSH target as people type it: `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address,
 * optionally written `user@…` or `ssh://user@host:port/…` (user and path are dropped). Port 22
 * unless given; undefined when the text is not such an address (another URL scheme included) or
 * the port is out of range. The parsing is core/net/endpoint's.
 */
export function parseSshTarget(text: string): { host: string; port: number } | undefined {
  const ep = parseEndpoint(text, 22);
  if (!ep || (ep.scheme !== undefined && ep.scheme !== 'ssh')) return undefined;
  return { host: ep.host, port: ep.port };
}

export class UnknownHostKeyError extends SshError {
  constructor(readonly host: string, readonly port: number, readonly fingerprint: string, readonly keyType?: string) {
    super(`The SSH host key of ${host}:${port} is not known yet (${keyType ? `${keyType} ` : ''}${fingerprint}). Compare it with the key shown on the host's console (DCUI or \`ssh-keygen -lf ${hostKeyFile(keyType)}\`) and pin it if it matches.`, 'unknown-host-key');
    this.name = 'UnknownHostKeyError';
  }
}

export class HostKeyChangedError extends SshError {
  constructor(readonly host: string, readonly port: number, readonly expected: string, readonly fingerprint: string, readonly keyType?: string) {
    super(`The SSH host key of ${host}:${port} has CHANGED: expected ${expected}, the host presented ${fingerprint}. The connection was refused. If the host was reinstalled, check the new key on its console and pin it again; otherwise someone may be intercepting the connection.`, 'host-key-changed');
    this.name = 'HostKeyChangedError';
  }
}

export class SshAuthError extends SshError {
  constructor(host: string, user: string) {
    super(`${host} refused the login of "${user}": wrong user or password, or SSH login for this user is disabled (on ESXi enable the ESXi Shell/SSH service and allow root).`, 'auth');
    this.name = 'SshAuthError';
  }
}

export class SshTimeoutError extends SshError {
  constructor(message: string) {
    super(message, 'timeout');
    this.name = 'SshTimeoutError';
  }
}

/** OpenSSH fingerprint of a host key blob (SSH wire format): `SHA256:` + unpadded base64. */
export function fingerprintOfKey(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Canonical form of a fingerprint the user typed (`SHA256:` prefix, no padding); throws on junk. */
export function normaliseFingerprint(text: string): string {
  const t = text.trim();
  const m = /^(?:SHA256:)?([A-Za-z0-9+/]{43})=?$/.exec(t);
  if (!m) throw new SshError(`"${text}" is not an SSH host key fingerprint; expected the form SHA256:… that ssh-keygen -lf prints.`, 'bad-fingerprint');
  return `SHA256:${m[1]}`;
}

/** Key type of a wire-format public key blob (`ssh-ed25519`, `ssh-rsa`, …). */
function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString('latin1') : undefined;
}

function connectError(err: Error & { level?: string; code?: string }, host: string, port: number, user: string): SshError {
  if (err.level === 'client-authentication') return new SshAuthError(host, user);
  switch (err.code) {
    case 'ECONNREFUSED': return new SshError(`Nothing accepts SSH connections on ${host}:${port} (connection refused). On ESXi start the SSH service (DCUI → Troubleshooting Options, or the vSphere Client → Security Profile).`, 'refused');
    case 'ENOTFOUND': case 'EAI_AGAIN': return new SshError(`The name "${host}" cannot be resolved; check DNS or use the IP address.`, 'dns');
    case 'EHOSTUNREACH': case 'ENETUNREACH': return new SshError(`${host} cannot be reached from this machine (${err.code}).`, 'unreachable');
    case 'ECONNRESET': return new SshError(`${host}:${port} closed the connection during the SSH handshake.`, 'reset');
    default: break;
  }
  if (err.level === 'client-timeout') return new SshTimeoutError(`${host}:${port} did not complete the SSH handshake in time.`);
  return new SshError(`SSH connection to ${host}:${port} failed: ${err.message}`, 'connect');
}

/** Answers of a keyboard-interactive round: the password for each hidden (echo off) prompt, '' for the rest. */
export function keyboardAnswers(prompts: ReadonlyArray<{ prompt: string; echo?: boolean }>, password: string | undefined): string[] {
  return prompts.map((p) => (p.echo === false && password !== undefined ? password : ''));
}

/** One authenticated SSH connection. Close it with {@link SshSession.close}. */
export class SshSession {
  private sftpP: Promise<SFTPWrapper> | undefined;
  private closed = false;

  private constructor(
    private readonly client: Client,
    readonly host: string,
    readonly port: number,
    readonly username: string,
    /** The fingerprint of the key the host presented (verified). */
    readonly hostKey: string,
  ) {
    client.on('close', () => { this.closed = true; });
  }

  /** Connects, verifies the host key, authenticates. */
  static connect(opts: SshConnectOptions): Promise<SshSession> {
    const { Client: SshClient } = ssh2();
    const host = opts.host;
    const port = opts.port ?? 22;
    const pinned = opts.hostKey ? normaliseFingerprint(opts.hostKey) : undefined;
    return new Promise<SshSession>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new CancelledError('Connecting over SSH'));
        return;
      }
      const client = new SshClient();
      let keyProblem: SshError | undefined;
      let seenKey: string | undefined;
      let settled = false;
      const finish = (err?: LabError): void => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) {
          client.end();
          reject(err);
        } else {
          resolve(new SshSession(client, host, port, opts.username, seenKey!));
        }
      };
      const onAbort = (): void => finish(new CancelledError('Connecting over SSH'));
      opts.signal?.addEventListener('abort', onAbort);

      client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, answer) => {
        // ESXi asks one hidden "Password: " prompt. The password goes to hidden prompts only: a
        // prompt that echoes (a server fishing with "Username:" or a banner question) gets nothing.
        answer(keyboardAnswers(prompts, opts.password));
      });
      client.once('ready', () => finish());
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        finish(keyProblem ?? connectError(err, host, port, opts.username));
      });
      client.once('close', () => finish(keyProblem ?? new SshError(`${host}:${port} closed the SSH connection before login completed.`, 'closed')));

      const config: ConnectConfig = {
        host, port,
        username: opts.username,
        readyTimeout: opts.readyTimeoutMs ?? 20_000,
        tryKeyboard: opts.password !== undefined,
        ...(opts.password !== undefined ? { password: opts.password } : {}),
        ...(opts.privateKey !== undefined ? { privateKey: opts.privateKey } : {}),
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void): void => {
          const fp = fingerprintOfKey(key);
          seenKey = fp;
          if (pinned) {
            if (fp === pinned) verify(true);
            else {
              keyProblem = new HostKeyChangedError(host, port, pinned, fp, keyTypeOf(key));
              verify(false);
            }
            return;
          }
          const unknown = new UnknownHostKeyError(host, port, fp, keyTypeOf(key));
          if (!opts.trustUnknownHostKey) {
            keyProblem = unknown;
            verify(false);
            return;
          }
          Promise.resolve(opts.trustUnknownHostKey(fp)).then(
            (ok) => { if (!ok) keyProblem = unknown; verify(ok); },
            () => { keyProblem = unknown; verify(false); },
          );
        },
      };
      try {
        client.connect(config);
      } catch (e) {
        finish(new SshError(`Cannot start the SSH connection to ${host}:${port}: ${(e as Error).message}`, 'config'));
      }
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs a command; resolves with its output and exit code (a non-zero exit is not an error here). */
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? 60_000;
    return new Promise<ExecResult>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new CancelledError(`"${command}"`));
        return;
      }
      let channel: ClientChannel | undefined;
      let settled = false;
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      const maxOut = opts.maxOutputBytes ?? MAX_EXEC_OUTPUT_BYTES;
      let outBytes = 0;
      let errBytes = 0;
      let code: number | null = null;
      let signal: string | undefined;
      const done = (err?: LabError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) {
          channel?.close();
          reject(err);
          return;
        }
        resolve({
          command,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(errOut).toString('utf8'),
          code, ...(signal ? { signal } : {}),
          ms: Date.now() - started,
        });
      };
      const onAbort = (): void => done(new CancelledError(`"${command}"`));
      opts.signal?.addEventListener('abort', onAbort);
      const timer = setTimeout(() => done(new SshTimeoutError(`"${command}" on ${this.host} did not finish within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
      try {
        this.client.exec(command, (err, stream) => {
          if (err) {
            done(new SshError(`${this.host} refused to run "${command}": ${err.message}`, 'exec'));
            return;
          }
          channel = stream;
          if (settled) {
            stream.close();
            return;
          }
          const tooMuch = (which: string): void => done(new SshError(`"${command}" on ${this.host} was stopped: its ${which} passed ${Math.round(maxOut / 1048576)} MB, the cap of output kept in memory.`, 'output'));
          stream.on('data', (d: Buffer) => {
            if (!opts.onStdout) {
              outBytes += d.length;
              if (outBytes > maxOut) tooMuch('output');
              else out.push(d);
            } else {
              try {
                opts.onStdout(d);
              } catch (e) {
                done(new SshError(`Reading the output of "${command}" failed: ${(e as Error).message}`, 'output'));
              }
            }
          });
          stream.stderr.on('data', (d: Buffer) => {
            errBytes += d.length;
            if (errBytes > maxOut) tooMuch('error output');
            else errOut.push(d);
          });
          stream.on('exit', (c: number | null, sig?: string) => {
            code = typeof c === 'number' ? c : null;
            if (sig) signal = sig;
          });
          stream.on('close', () => done());
        });
      } catch (e) {
        done(new SshError(`Cannot run "${command}" on ${this.host}: ${(e as Error).message}`, 'exec'));
      }
    });
  }

  /**
   * An interactive shell on a pseudo-terminal (the SSH terminal): `term` (default xterm-256color),
   * the window size in characters. Resolves once the server accepted the pty and the shell; the
   * channel then carries the user's keystrokes one way and the terminal's output the other.
   */
  shell(opts: ShellOptions = {}): Promise<SshShell> {
    return new Promise<SshShell>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new CancelledError('Opening the shell'));
        return;
      }
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        reject(new CancelledError('Opening the shell'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const window = { term: opts.term ?? 'xterm-256color', cols: opts.cols ?? 80, rows: opts.rows ?? 24, width: 0, height: 0 };
      try {
        this.client.shell(window, (err, stream) => {
          opts.signal?.removeEventListener('abort', onAbort);
          if (settled) {
            stream?.close();
            return;
          }
          settled = true;
          if (err) reject(new SshError(`${this.host} refused an interactive shell: ${err.message}. On ESXi the ESXi Shell service must be running as well as SSH.`, 'exec'));
          else resolve(shellOf(stream));
        });
      } catch (e) {
        settled = true;
        reject(new SshError(`Cannot open a shell on ${this.host}: ${(e as Error).message}`, 'exec'));
      }
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpP ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((err, sftp) => {
        if (err) {
          this.sftpP = undefined;
          reject(new SshError(`${this.host} does not offer SFTP (${err.message}). On ESXi 4.x, SFTP needs the ESXi Shell / Tech Support Mode with SSH enabled.`, 'no-sftp'));
        } else resolve(sftp);
      });
    });
    return this.sftpP;
  }

  private sftpCall<T>(what: string, path: string, f: (s: SFTPWrapper, cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
    return this.sftp().then((s) => new Promise<T>((resolve, reject) => {
      try {
        f(s, (err, v) => {
          if (err) reject(sftpError(err, what, path, this.host));
          else resolve(v as T);
        });
      } catch (e) {
        reject(sftpError(e as Error, what, path, this.host));
      }
    }));
  }

  /** A whole remote file, at most `maxBytes` (default {@link MAX_SFTP_READ_BYTES}), read as a stream and stopped past the cap. */
  async readFile(path: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
    const cap = opts.maxBytes ?? MAX_SFTP_READ_BYTES;
    await this.sftpCall<Stats>('read', path, (s, cb) => s.stat(path, (e, st) => cb(e, st)));
    const stream = await this.createReadStream(path);
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const c of stream as AsyncIterable<Buffer>) {
        bytes += c.length;
        if (bytes > cap) throw new SshError(`${path} on ${this.host} is larger than ${Math.round(cap / 1048576)} MB, the cap of a file read whole; it was not read.`, 'output');
        chunks.push(c);
      }
    } catch (e) {
      stream.destroy();
      if (e instanceof SshError) throw e;
      throw sftpError(e as Error, 'read', path, this.host);
    }
    return Buffer.concat(chunks);
  }

  /**
   * The bytes of a remote file as a stream (SFTP reads, back-pressured by the consumer), for files
   * too large to hold in memory. Destroy the stream to stop early.
   */
  async createReadStream(path: string, opts?: { highWaterMark?: number }): Promise<Readable> {
    const s = await this.sftp();
    return s.createReadStream(path, opts?.highWaterMark ? { highWaterMark: opts.highWaterMark } : {});
  }

  /** Writes a whole file (created or truncated) and sets its mode. */
  async writeFile(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.sftpCall<void>('write', path, (s, cb) => s.writeFile(path, buf, { mode }, (e) => cb(e)));
    await this.sftpCall<void>('chmod', path, (s, cb) => s.chmod(path, mode, (e) => cb(e)));
  }

  async stat(path: string): Promise<Stats | undefined> {
    try {
      return await this.sftpCall<Stats>('stat', path, (s, cb) => s.stat(path, (e, st) => cb(e, st)));
    } catch (e) {
      if ((e as SshError).code === 'no-such-file') return undefined;
      throw e;
    }
  }

  /**
   * Renames a file. With `overwrite`, an existing target is replaced: atomically through OpenSSH's
   * posix-rename extension when the server offers it, else by removing the target first (plain SFTP
   * v3 RENAME refuses an existing target).
   */
  async rename(from: string, to: string, overwrite = false): Promise<void> {
    if (overwrite) {
      const s = await this.sftp();
      const ext = (s as unknown as { _extensions?: Record<string, string> })._extensions ?? {};
      if (ext['posix-rename@openssh.com'] === '1') {
        await this.sftpCall<void>('rename', from, (w, cb) => w.ext_openssh_rename(from, to, (e) => cb(e)));
        return;
      }
      if (await this.stat(to)) await this.unlink(to);
    }
    await this.sftpCall<void>('rename', from, (s, cb) => s.rename(from, to, (e) => cb(e)));
  }

  async unlink(path: string): Promise<void> {
    await this.sftpCall<void>('remove', path, (s, cb) => s.unlink(path, (e) => cb(e)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.end();
  }
}

export interface ShellOptions {
  readonly term?: string;
  readonly cols?: number;
  readonly rows?: number;
  readonly signal?: AbortSignal;
}

/** An interactive shell channel (see {@link SshSession.shell}). */
export interface SshShell {
  /** Sends keystrokes (or pasted text) to the shell. */
  write(data: string | Buffer): void;
  /** Tells the server the terminal's new size. */
  resize(cols: number, rows: number): void;
  /** Output (stdout and stderr, as a terminal shows them both). */
  onData(listener: (chunk: Buffer) => void): void;
  /** The shell ended: its exit code when the server sent one. Called once. */
  onClose(listener: (code: number | undefined) => void): void;
  /** Ends the shell (the channel closes; onClose follows). */
  close(): void;
}

function shellOf(stream: ClientChannel): SshShell {
  let code: number | undefined;
  let closed = false;
  const closeListeners: ((code: number | undefined) => void)[] = [];
  stream.on('exit', (c: number | null) => { if (typeof c === 'number') code = c; });
  stream.on('close', () => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners.splice(0)) l(code);
  });
  return {
    write: (data) => { if (!closed) stream.write(data); },
    resize: (cols, rows) => { if (!closed) stream.setWindow(rows, cols, 0, 0); },
    onData: (listener) => {
      stream.on('data', listener);
      stream.stderr.on('data', listener);
    },
    onClose: (listener) => {
      if (closed) listener(code);
      else closeListeners.push(listener);
    },
    close: () => {
      if (closed) return;
      // Drain what is left, or the stream never ends and 'close' never comes.
      stream.resume();
      stream.stderr.resume();
      stream.close();
    },
  };
}

function sftpError(err: Error & { code?: number | string }, what: string, path: string, host: string): SshError {
  const msg = err.message || String(err);
  // ssh2 reports SFTP status codes numerically: 2 no such file, 3 permission denied, 8 unsupported.
  if (err.code === 2 || /no such file/i.test(msg)) return new SshError(`${path} does not exist on ${host}.`, 'no-such-file');
  if (err.code === 3 || /permission denied/i.test(msg)) return new SshError(`Permission denied to ${what} ${path} on ${host}; log in as root.`, 'permission');
  if (err.code === 8 || /unsupported/i.test(msg)) return new SshError(`${host} does not support the SFTP ${what} operation (${msg}).`, 'unsupported');
  return new SshError(`SFTP ${what} of ${path} on ${host} failed: ${msg}`, 'sftp');
}
