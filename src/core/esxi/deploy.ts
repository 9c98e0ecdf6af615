/**
 * Replaces an ESX(i) host's certificate over SSH by executing the pure plan of
 * `planEsxDeploy` (src/core/certs/files.ts): back up /etc/vmware/ssl/rui.crt and rui.key to
 * timestamped copies, upload the new pair under temporary names, move them into place, restart the
 * management agent, wait for HTTPS, and prove the live certificate's SHA-256 is the new one.
 * If anything fails after the files were touched, the backups are restored, the agent restarted
 * again, and the old certificate is shown to be served again.
 *
 * Facts: DOMAIN.md §2 (file locations; `/etc/init.d/hostd restart`, docs.vmware.com vSphere security
 * guide, thinkcloud.nl 2011-01-28).
 *
 * Every step is reported through `onStep` (id, phase, title, status, detail, timing) so a wizard and
 * the CLI show the same progress. The certificate core and ssh2 are loaded only when a deploy runs.
 */
import * as tls from 'node:tls';
import type { DeployPlan, PlanStep } from '../certs/files';
import type { FileInput } from '../certs/verify';
import { CancelledError } from '../errors';
import { lazy } from '../lazy';
import { SshSession, type SshConnectOptions } from './ssh';

const certs = {
  files: lazy(() => require('../certs/files') as typeof import('../certs/files')),
  inspect: lazy(() => require('../certs/inspect') as typeof import('../certs/inspect')),
  x509: lazy(() => require('../certs/x509') as typeof import('../certs/x509')),
};

export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'skipped';
export type StepPhase = 'prepare' | 'deploy' | 'rollback';

export interface StepReport {
  readonly id: string;
  readonly phase: StepPhase;
  readonly title: string;
  readonly status: StepStatus;
  /** What happened, for the administrator (command output on failure, thumbprints…). */
  readonly detail?: string;
  /** ISO time the step started. */
  readonly startedAt?: string;
  readonly ms?: number;
}

export interface EsxDeployOptions {
  /** The host's HTTPS endpoint (what clients and the final check connect to). */
  readonly host: string;
  /** Default 443. */
  readonly port?: number;
  /**
   * How to reach the host over SSH: connect options (host defaults to `host`); a function that opens
   * the session (the extension's SSH service: pins, passwords), called in the "Log in over SSH" step
   * with the deploy's signal; or an open session to reuse. Sessions opened here are closed here; a
   * session handed in is not.
   */
  readonly ssh: (Omit<SshConnectOptions, 'host' | 'signal'> & { readonly host?: string }) | SshSession | ((signal: AbortSignal | undefined) => Promise<SshSession>);
  readonly cert: FileInput;
  readonly key: FileInput;
  readonly chain?: FileInput | readonly FileInput[];
  /** Append intermediate CA certificates to rui.crt. Default false. */
  readonly includeIntermediates?: boolean;
  /** What to restart (see planEsxDeploy): hostd on 4.x, rhttpproxy+hostd on 5.x+ (the route picks it from the generation). */
  readonly restart?: 'hostd' | 'rhttpproxy+hostd' | 'services.sh';
  readonly sslDir?: string;
  /** Clock for the backup names (tests). */
  readonly now?: Date;
  /** Waiting for HTTPS after a restart; default 180 s. */
  readonly waitTimeoutMs?: number;
  /** How long the live certificate may take to change after the restart; default 30 s. */
  readonly verifyTimeoutMs?: number;
  /** Per command; default 180 s (a hostd restart can take a while). */
  readonly execTimeoutMs?: number;
  readonly onStep?: (step: StepReport) => void;
  /** Cancels the deploy: before the files are moved into place it stops cleanly; afterwards it rolls back. */
  readonly signal?: AbortSignal;
}

export interface EsxDeployResult {
  readonly ok: boolean;
  /** The rollback ran (something failed after the files were moved into place). */
  readonly rolledBack: boolean;
  /** After a rollback: the host serves the previous certificate again. */
  readonly previousCertServed?: boolean;
  readonly host: string;
  readonly port: number;
  readonly previousSha256?: string;
  readonly newSha256: string;
  /** What the host serves at the end. */
  readonly liveSha256?: string;
  readonly backups?: { readonly crt: string; readonly key: string };
  readonly sshHostKey?: string;
  readonly steps: readonly StepReport[];
  /** Why it failed, for the administrator. */
  readonly error?: string;
  readonly failedStep?: string;
}

export class DeployError extends Error {
  /** Full text for the step report (command output); the message stays one line. */
  constructor(message: string, readonly code: string, readonly detail?: string) {
    super(message);
    this.name = 'DeployError';
  }
}

/** Waits `ms`, or less when `signal` aborts (never rejects). Shared by the certificate routes. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  const t = setTimeout(done, ms);
  function done(): void {
    clearTimeout(t);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done);
});

/** One TLS handshake: resolves true when the endpoint answers. */
function answersTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tls.connect({ host, port, rejectUnauthorized: false, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0', timeout: timeoutMs, ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }) });
    // `timeout` above is an idle timer; a peer trickling handshake bytes is stopped by this deadline.
    const deadline = setTimeout(() => end(false), timeoutMs);
    const end = (ok: boolean): void => { clearTimeout(deadline); sock.destroy(); resolve(ok); };
    sock.once('secureConnect', () => end(true));
    sock.once('timeout', () => end(false));
    sock.once('error', () => end(false));
  });
}

function tail(text: string, max = 600): string {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
}

/** Replaces the host's certificate; never throws for a failed step (see `ok`, `error`), only for bad input. */
export async function deployEsxCertificate(opts: EsxDeployOptions): Promise<EsxDeployResult> {
  return new EsxDeployment(opts).run();
}

/** The reported steps of one deploy: each is pending, then running, then ok / failed / skipped. */
export class StepLog {
  readonly steps: StepReport[] = [];
  constructor(private readonly onStep: ((step: StepReport) => void) | undefined) {}

  report(s: StepReport): StepReport {
    const i = this.steps.findIndex((x) => x.id === s.id && x.phase === s.phase);
    if (i >= 0) this.steps[i] = s; else this.steps.push(s);
    try { this.onStep?.(s); } catch { /* a UI callback must not break the deploy */ }
    return s;
  }

  /** Runs one reported step; its body returns the detail, or throws and the step fails with StepFailure. */
  async run(phase: StepPhase, id: string, title: string, body: () => Promise<string | undefined>): Promise<void> {
    const startedAt = new Date();
    this.report({ id, phase, title, status: 'running', startedAt: startedAt.toISOString() });
    try {
      const detail = await body();
      this.report({ id, phase, title, status: 'ok', startedAt: startedAt.toISOString(), ms: Date.now() - startedAt.getTime(), ...(detail ? { detail } : {}) });
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      const detail = e instanceof DeployError && e.detail ? e.detail : message;
      this.report({ id, phase, title, status: 'failed', startedAt: startedAt.toISOString(), ms: Date.now() - startedAt.getTime(), detail });
      throw new StepFailure(id, phase, message, e);
    }
  }

  pending(phase: StepPhase, s: { id: string; title: string }): void {
    this.report({ id: s.id, phase, title: s.title, status: 'pending' });
  }

  skip(phase: StepPhase, s: { id: string; title: string }): void {
    this.report({ id: s.id, phase, title: s.title, status: 'skipped' });
  }
}

const INSPECT_BEFORE = 'inspect-before';
const CONNECT = { id: 'connect', title: 'Log in over SSH' };
const VERIFY_OLD = { id: 'verify-old', title: 'Check the host serves the previous certificate again' };
const RECONNECT = { id: 'reconnect', title: 'Log in over SSH again (the restart ended the session)' };

/**
 * One deploy, in named steps: {@link prepare} the files, {@link plan} the remote steps, read the
 * certificate served now and {@link connect}, run the plan, then on failure either
 * {@link stopCleanly} (nothing was moved into place) or {@link rollBack}.
 */
class EsxDeployment {
  private readonly host: string;
  private readonly port: number;
  private readonly log: StepLog;
  private files = new Map<string, string | Buffer>();
  private newSha256 = '';
  private previousSha256: string | undefined;
  private session: SshSession | undefined;
  private readonly execTimeoutMs: number;
  private readonly verifyTimeoutMs: number;

  constructor(private readonly opts: EsxDeployOptions) {
    this.host = opts.host;
    this.port = opts.port ?? 443;
    this.log = new StepLog(opts.onStep);
    this.execTimeoutMs = opts.execTimeoutMs ?? 180_000;
    this.verifyTimeoutMs = opts.verifyTimeoutMs ?? 30_000;
  }

  async run(): Promise<EsxDeployResult> {
    const { host, port } = this;
    try {
      await this.prepare();
    } catch (e) {
      return { ok: false, rolledBack: false, host, port, newSha256: this.newSha256, steps: this.log.steps, error: (e as StepFailure).message, failedStep: 'files' };
    }
    const plan = this.plan();
    try {
      await this.connect();
    } catch (e) {
      for (const s of plan.steps) this.log.skip('deploy', s);
      return { ...this.base(plan), ok: false, rolledBack: false, error: (e as StepFailure).message, failedStep: (e as StepFailure).stepId };
    }
    let index = 0;
    try {
      for (; index < plan.steps.length; index++) await this.runPlanStep('deploy', plan.steps[index], this.opts.signal);
    } catch (e) {
      for (const s of plan.steps.slice(index + 1)) this.log.skip('deploy', s);
      const result = plan.steps[index].onFailure !== 'rollback' ? await this.stopCleanly(plan, index, e as StepFailure) : await this.rollBack(plan, index, e as StepFailure);
      this.closeSession();
      return result;
    }
    this.closeSession();
    return { ...this.base(plan), ok: true, rolledBack: false, liveSha256: this.newSha256, sshHostKey: this.session!.hostKey };
  }

  /** What every result after the plan carries. */
  private base(plan: DeployPlan): Pick<EsxDeployResult, 'host' | 'port' | 'newSha256' | 'backups' | 'steps' | 'previousSha256'> {
    return { host: this.host, port: this.port, newSha256: this.newSha256, backups: plan.backups, steps: this.log.steps, ...(this.previousSha256 ? { previousSha256: this.previousSha256 } : {}) };
  }

  /** Files and thumbprint (bad input fails here, before anything is touched). */
  private async prepare(): Promise<void> {
    const { opts } = this;
    await this.log.run('prepare', 'files', 'Build rui.crt and rui.key and check they belong together', async () => {
      const built = certs.files().buildEsxFiles({ cert: opts.cert, key: opts.key, ...(opts.chain !== undefined ? { chain: opts.chain } : {}), includeIntermediates: opts.includeIntermediates ?? false });
      this.files = new Map(built.map((f) => [f.name, f.contents]));
      this.newSha256 = certs.x509().describeCertificate(String(this.files.get('rui.crt'))).sha256Thumbprint;
      return `New certificate SHA-256 ${this.newSha256}`;
    });
  }

  /** The remote steps, all reported pending up front. */
  private plan(): DeployPlan {
    const { opts, host, port } = this;
    const plan = certs.files().planEsxDeploy({
      host, port, expectedSha256: this.newSha256, timestamp: opts.now ?? new Date(),
      ...(opts.restart ? { restart: opts.restart } : {}),
      ...(opts.sslDir ? { sslDir: opts.sslDir } : {}),
      ...(opts.waitTimeoutMs !== undefined ? { waitTimeoutMs: opts.waitTimeoutMs } : {}),
    });
    this.log.pending('prepare', { id: INSPECT_BEFORE, title: this.inspectTitle() });
    this.log.pending('prepare', CONNECT);
    for (const s of plan.steps) this.log.pending('deploy', s);
    return plan;
  }

  private inspectTitle(): string {
    return `Read the certificate ${this.host}:${this.port} serves now`;
  }

  private async liveSha(): Promise<string> {
    return (await certs.inspect().inspectEndpoint(this.host, this.port, { timeoutMs: 15_000 })).chain[0].sha256Thumbprint;
  }

  /** Reads the certificate served now, then logs in (or takes the session given). */
  private async connect(): Promise<void> {
    const { opts } = this;
    await this.log.run('prepare', INSPECT_BEFORE, this.inspectTitle(), async () => {
      this.previousSha256 = await this.liveSha();
      return this.previousSha256 === this.newSha256
        ? `The host already serves the new certificate (SHA-256 ${this.newSha256}); deploying again is harmless.`
        : `Current certificate SHA-256 ${this.previousSha256}`;
    });
    await this.log.run('prepare', CONNECT.id, CONNECT.title, async () => {
      const ssh = opts.ssh;
      const session = ssh instanceof SshSession ? ssh
        : typeof ssh === 'function' ? await ssh(opts.signal)
          : await SshSession.connect({ ...ssh, host: ssh.host ?? this.host, ...(opts.signal ? { signal: opts.signal } : {}) });
      this.session = session;
      return `${session.username}@${session.host}:${session.port}, host key ${session.hostKey}`;
    });
  }

  /**
   * The restart ended the SSH session (`services.sh restart` can take sshd's children with it): a new one
   * for the rollback, the same way as the first (not cancellable: the host must not stay half-changed).
   */
  private async reopenSession(): Promise<string> {
    const ssh = this.opts.ssh;
    if (ssh instanceof SshSession) throw new DeployError('The SSH session handed to the deploy was closed by the restart; log in again and restore the backups by hand.', 'rollback');
    const session = typeof ssh === 'function' ? await ssh(undefined) : await SshSession.connect({ ...ssh, host: ssh.host ?? this.host });
    this.session = session;
    return `${session.username}@${session.host}:${session.port}, host key ${session.hostKey}`;
  }

  /** A session we opened is closed here; one handed in stays open. */
  private closeSession(): void {
    if (!(this.opts.ssh instanceof SshSession)) this.session?.close();
  }

  private async runPlanStep(phase: StepPhase, s: PlanStep, signal: AbortSignal | undefined): Promise<void> {
    await this.log.run(phase, s.id, s.title, async () => {
      if (signal?.aborted) throw new CancelledError('The deploy');
      switch (s.kind) {
        case 'exec': return this.exec(s.command, signal);
        case 'upload': return this.upload(s);
        case 'wait-for-host': return this.waitForHost(s, signal);
        case 'check-thumbprint': return this.checkThumbprint(s.expectedSha256, signal);
      }
    });
  }

  private async exec(command: string, signal: AbortSignal | undefined): Promise<string> {
    const r = await this.session!.exec(command, { timeoutMs: this.execTimeoutMs, ...(signal ? { signal } : {}) });
    const output = tail([r.stdout, r.stderr].filter(Boolean).join('\n'));
    if (r.code !== 0) {
      // The last line of stderr (else stdout) says why; the whole output goes to the step's detail.
      const why = (r.stderr.trim() || r.stdout.trim()).split('\n').pop()?.trim();
      throw new DeployError(`\`${command}\` exited with ${r.code ?? r.signal ?? 'no status'}${why ? ` (${why})` : ''}.`, 'exec', `$ ${command}${output ? `\n${output}` : ''}`);
    }
    return `$ ${command}${output ? `\n${output}` : ''}`;
  }

  private async upload(s: Extract<PlanStep, { kind: 'upload' }>): Promise<string> {
    const data = this.files.get(s.file);
    if (data === undefined) throw new DeployError(`No ${s.file} was built.`, 'internal');
    await this.session!.writeFile(s.remotePath, data, s.mode);
    const st = await this.session!.stat(s.remotePath);
    const size = Buffer.byteLength(data);
    if (!st || st.size !== size) throw new DeployError(`${s.remotePath} has ${st?.size ?? 0} bytes on the host after the upload, expected ${size}.`, 'upload');
    return `${s.remotePath} (${size} bytes, mode ${s.mode.toString(8)})`;
  }

  private async waitForHost(s: Extract<PlanStep, { kind: 'wait-for-host' }>, signal: AbortSignal | undefined): Promise<string> {
    const deadline = Date.now() + s.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      if (await answersTls(this.host, s.port, 5000)) return attempt > 1 ? `Answered after ${attempt} attempts.` : 'Answered.';
      if (Date.now() > deadline) throw new DeployError(`${this.host}:${s.port} did not answer HTTPS within ${Math.round(s.timeoutMs / 1000)} s after the restart.`, 'timeout');
      await sleep(1000, signal);
      if (signal?.aborted) throw new CancelledError('Waiting for the host');
    }
  }

  private async checkThumbprint(expectedSha256: string, signal: AbortSignal | undefined): Promise<string> {
    const want = expectedSha256.toUpperCase();
    const deadline = Date.now() + this.verifyTimeoutMs;
    let seen: string;
    for (;;) {
      try {
        seen = await this.liveSha();
        if (seen === want) return `The host serves SHA-256 ${seen}.`;
      } catch (e) {
        seen = `(no answer: ${(e as Error).message})`;
      }
      if (Date.now() > deadline || signal?.aborted) {
        throw new DeployError(`The host serves SHA-256 ${seen}, not the expected ${want}.`, 'thumbprint');
      }
      await sleep(1000, signal);
    }
  }

  /** Nothing was moved into place: remove what may have been uploaded and stop. */
  private async stopCleanly(plan: DeployPlan, index: number, failure: StepFailure): Promise<EsxDeployResult> {
    const failedStep = plan.steps[index];
    const cleanup = plan.rollback.find((x): x is Extract<PlanStep, { kind: 'exec' }> => x.id === 'cleanup' && x.kind === 'exec');
    if (cleanup && plan.steps.slice(0, index + 1).some((x) => x.kind === 'upload')) {
      try {
        await this.runPlanStep('rollback', cleanup, undefined);
      } catch { /* reported */ }
    }
    const previous = this.previousSha256;
    return { ...this.base(plan), ok: false, rolledBack: false, ...(previous ? { liveSha256: previous } : {}), sshHostKey: this.session!.hostKey, error: `${failedStep.title} failed: ${failure.message} Nothing on the host was changed.`, failedStep: failedStep.id };
  }

  /** Restores the backups and restarts (not cancellable: the host must not be left half-changed), then checks the old certificate is back. */
  private async rollBack(plan: DeployPlan, index: number, failure: StepFailure): Promise<EsxDeployResult> {
    const failedStep = plan.steps[index];
    const reconnect = this.session?.isClosed === true;
    if (reconnect) this.log.pending('rollback', RECONNECT);
    for (const s of plan.rollback) this.log.pending('rollback', s);
    this.log.pending('rollback', VERIFY_OLD);
    if (reconnect) {
      try {
        await this.log.run('rollback', RECONNECT.id, RECONNECT.title, () => this.reopenSession());
      } catch { /* reported; the steps below then fail and the final check tells */ }
    }
    for (const s of plan.rollback) {
      try {
        await this.runPlanStep('rollback', s, undefined);
      } catch { /* each rollback step continues; the final check tells */ }
    }
    const state: { liveSha256?: string } = {};
    let previousCertServed = false;
    try {
      await this.log.run('rollback', VERIFY_OLD.id, VERIFY_OLD.title, () => this.previousServedAgain(plan, state));
      previousCertServed = true;
    } catch { /* reported */ }
    return {
      ...this.base(plan), ok: false, rolledBack: true, previousCertServed,
      ...(state.liveSha256 ? { liveSha256: state.liveSha256 } : {}),
      sshHostKey: this.session!.hostKey,
      error: `${failedStep.title} failed: ${failure.message} ${previousCertServed ? 'The previous certificate was restored and is served again.' : `The rollback did not bring the previous certificate back: the backups are ${plan.backups.crt} and ${plan.backups.key}.`}`,
      failedStep: failedStep.id,
    };
  }

  /** Waits until the host serves the previous certificate again; `seen.liveSha256` is what it serves last. */
  private async previousServedAgain(plan: DeployPlan, seen: { liveSha256?: string }): Promise<string> {
    const previous = this.previousSha256;
    if (!previous) throw new DeployError('The previous thumbprint is unknown.', 'internal');
    const deadline = Date.now() + this.verifyTimeoutMs;
    for (;;) {
      try {
        seen.liveSha256 = await this.liveSha();
      } catch (e) {
        seen.liveSha256 = undefined;
        if (Date.now() > deadline) throw e;
      }
      if (seen.liveSha256 === previous) return `The host serves the previous certificate again (SHA-256 ${seen.liveSha256}).`;
      if (Date.now() > deadline) throw new DeployError(`The host serves SHA-256 ${seen.liveSha256 ?? '(nothing)'}, not the previous ${previous}. Restore ${plan.backups.crt} and ${plan.backups.key} by hand and restart the management agents (DCUI → Restart Management Agents).`, 'rollback');
      await sleep(1000);
    }
  }
}

export class StepFailure extends Error {
  constructor(readonly stepId: string, readonly phase: StepPhase, message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'StepFailure';
  }
}
