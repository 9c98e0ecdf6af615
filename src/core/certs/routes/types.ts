/**
 * The contract of a certificate deploy route: how a new server certificate reaches an ESX(i) host or
 * a vCenter, chosen from the server's generation (src/core/vsphere/generation.ts) and played the same
 * way by the wizard, `vlab cert deploy` and rotation (many hosts, one route each).
 *
 * Routes (issue 14, DOMAIN.md §7 "Certificates"):
 * - `ssh`  — ESX(i) over SSH: back up `rui.crt`/`rui.key`, upload, restart, prove live, roll back on
 *            failure. 4.x restarts hostd (`ssh-hostd`); 5.x+ hosts without the API restart what
 *            terminates port 443 since 5.0, rhttpproxy and hostd (`ssh-rhttpproxy`). The 6.5/6.7
 *            appliance's `vecs-cli` sequence also runs over SSH (`vcsa-vecs`).
 * - `api`  — ESXi with `HostCertificateManager` (API 6.0+): the CSR is generated on the host (its key
 *            never leaves it), `InstallServerCertificate`, the CA chain through
 *            `ReplaceCACertificatesAndCRLs`, proven live, the previous certificate reinstalled through
 *            the API on failure.
 * - `vcsa` — vCenter appliance 7.0+: the TLS REST API (`/api/vcenter/certificate-management/vcenter/tls`
 *            and `…/trusted-root-chains`), proven live.
 * vCenter on Windows has no automated route: the wizard shows today's checklist (`checklist`).
 *
 * This module has no runtime imports beyond the generation model's types, so the extension and the
 * webviews may import it eagerly; route implementations live beside it and load lazily.
 */
import type { EsxDeployOptions, StepReport } from '../../esxi/deploy';
import type { VimClient } from '../../vsphere/client';
import type { MoRef } from '../../vsphere/decode';
import type { GenerationInfo } from '../../vsphere/generation';
import type { TrustPolicy } from '../../vsphere/tls';

export type { StepReport, StepPhase, StepStatus } from '../../esxi/deploy';

/** What `--route` accepts and what a route reports as its id. */
export const DEPLOY_ROUTE_IDS = ['ssh', 'api', 'vcsa'] as const;
export type DeployRouteId = (typeof DEPLOY_ROUTE_IDS)[number];

/** The precise way a route goes on a given generation (what the wizard shows and the result records). */
export type RouteMethod =
  /** ESX(i) 4.x: rui.crt/rui.key over SSH, `/etc/init.d/hostd restart`. */
  | 'ssh-hostd'
  /** ESXi 5.x+ without the API: over SSH, `/etc/init.d/rhttpproxy restart` and `/etc/init.d/hostd restart`. */
  | 'ssh-rhttpproxy'
  /** ESXi API 6.0+: HostCertificateManager. */
  | 'host-api'
  /** vCenter appliance 7.0+: the TLS REST API. */
  | 'vcsa-rest'
  /** vCenter appliance 6.5/6.7: `vecs-cli` over SSH, backup and rollback. */
  | 'vcsa-vecs'
  /** vCenter on Windows: the manual checklist (no automated deploy). */
  | 'windows-checklist';

/** Whether the certificate is for an ESX(i) host or for the vCenter itself. */
export type TargetKind = 'host' | 'vcenter';

/** The outcome of {@link chooseRoute}: serialisable (webview messages, `--json`). */
export interface RouteChoice {
  /** The route to run; undefined for `windows-checklist` (nothing is automated). */
  readonly id?: DeployRouteId;
  readonly method: RouteMethod;
  /** The CSR is generated on the server (its private key never leaves it). */
  readonly csrOnServer: boolean;
  /** The route accepts a key generated elsewhere (ours, or the user's). */
  readonly acceptsOwnKey: boolean;
  /** One sentence for the wizard and the CLI: why this route on this generation. */
  readonly reason: string;
  /** Where the facts come from. */
  readonly sources: readonly string[];
}

/** The server a route deploys to. */
export interface RouteTarget {
  /** The HTTPS endpoint that must serve the new certificate (and is checked by a TLS handshake). */
  readonly host: string;
  /** Default 443. */
  readonly port?: number;
  readonly kind: TargetKind;
  readonly generation?: GenerationInfo;
}

/** The certificate a server serves now. */
export interface CurrentCertificate {
  /** Leaf certificate, PEM. */
  readonly pem: string;
  /** `AA:BB:…` upper case. */
  readonly sha256: string;
  /** Where it was read: the management API (`certificateInfo`, `GET …/tls`) or a TLS handshake. */
  readonly source: 'api' | 'rest' | 'tls';
  /** ISO 8601, when the source gives it. */
  readonly notAfter?: string;
  readonly subject?: string;
  readonly issuer?: string;
}

/** What one deploy is given. */
export interface RouteDeployInput {
  /** The new leaf certificate, PEM (intermediates after it are moved to the chain). */
  readonly cert: string;
  /** The private key, PEM: required by `ssh`/`vcsa`; refused by `api` (the key is on the host). */
  readonly key?: string;
  /** CA certificates (intermediates and root), PEM, leaf-most first. */
  readonly chain?: readonly string[];
  /**
   * `vcsa` only: the key of the certificate served now, PEM, so a failure can put it back (the REST
   * API never returns a private key). Without it a failure after the switch is reported, not undone.
   */
  readonly previousKey?: string;
  /** Cancels: before the server was changed it stops cleanly; afterwards it rolls back. */
  readonly signal?: AbortSignal;
  /** Every step as it goes (pending → running → ok / failed / skipped), the same shape as today's SSH deploy. */
  readonly onStep?: (step: StepReport) => void;
}

/** What one deploy ends with. Never thrown for a failed step: see `ok` and `error`. */
export interface RouteDeployResult {
  readonly route: DeployRouteId;
  readonly method: RouteMethod;
  readonly ok: boolean;
  /** The rollback ran (something failed after the server was changed). */
  readonly rolledBack: boolean;
  /** After a rollback: a TLS handshake shows the previous certificate served again. */
  readonly previousCertServed?: boolean;
  readonly host: string;
  readonly port: number;
  readonly previousSha256?: string;
  readonly newSha256: string;
  /** What a TLS handshake shows the server serves at the end (the proof). */
  readonly liveSha256?: string;
  readonly steps: readonly StepReport[];
  /** Why it failed, for the administrator. */
  readonly error?: string;
  readonly failedStep?: string;
}

/** One route bound to one server and its credentials (made by the route's factory). */
export interface DeployRoute {
  readonly id: DeployRouteId;
  readonly method: RouteMethod;
  readonly target: RouteTarget;
  /** The certificate served now (through the API where the route has one, else a TLS handshake). */
  readCurrentCertificate(signal?: AbortSignal): Promise<CurrentCertificate>;
  /**
   * `api` only: asks the server for a CSR (PEM); its key stays on the server and the next
   * InstallServerCertificate must carry a certificate for that key.
   */
  requestCsr?(opts?: { useIpAddressAsCommonName?: boolean; signal?: AbortSignal }): Promise<string>;
  /** Deploys, proves live by a TLS handshake, rolls back on failure. */
  deploy(input: RouteDeployInput): Promise<RouteDeployResult>;
}

/** The credentials a route needs; each route reads only its own. */
export interface RouteAccess {
  /**
   * `api`: a logged-in client that reaches the host (the host itself, or the vCenter managing it)
   * and the host's HostSystem reference (`ha-host` on a host).
   */
  readonly vim?: {
    readonly client: VimClient;
    readonly host: MoRef;
    /**
     * A client pinned to another certificate (`sha256`, the one being deployed): called when the
     * pinned client stops at the new certificate (the rollback's calls). Without it such calls fail.
     */
    readonly reconnect?: (sha256: string) => Promise<VimClient>;
  };
  /** `ssh` (hosts and the 6.5/6.7 appliance): how to open the SSH session, as today's SSH deploy takes it. */
  readonly ssh?: EsxDeployOptions['ssh'];
  /** `ssh` on hosts: today's SSH deploy options (the restart defaults to what the generation needs). */
  readonly sshDeploy?: Pick<EsxDeployOptions, 'restart' | 'includeIntermediates' | 'waitTimeoutMs'>;
  /** `vcsa`: the REST login (an SSO user such as administrator@vsphere.local) and how to trust the appliance. */
  readonly rest?: { readonly username: string; readonly password: string; readonly trust: TrustPolicy };
  /** Bounds: per call (default 60 s) and how long the new certificate may take to be served (default 60 s). */
  readonly timeoutMs?: number;
  readonly verifyTimeoutMs?: number;
}

/** Makes the route a choice names, bound to one server (`createRoute` in ./index.ts). */
export type CreateRoute = (choice: RouteChoice, target: RouteTarget, access: RouteAccess) => DeployRoute;
