/**
 * Messages between the certificate wizard's webview (src/webview/certs/main.ts) and its host
 * (src/extension/certs/wizard.ts). Plain data only; no secret ever crosses: the private key stays in
 * SecretStorage (or the file the user chose), SSH passwords go one way (webview → host) when typed.
 */
import type { EndpointInspection, Finding, MicrosoftCaInstructions } from '../../core/certs/types';

/** What the panel (and VS Code's restore) keeps: identifiers only. */
export interface CertWizardState {
  /** The HTTPS endpoint whose certificate is replaced. */
  readonly host: string;
  readonly port: number;
  /** Inventory connection the endpoint belongs to (its pin follows a deploy). */
  readonly conn?: string;
  readonly kind: 'esx' | 'vcenter';
  /** A host under vCenter: the vCenter connection that reaches it (the api route goes through it). */
  readonly via?: string;
  /** Step the user was on (1–5). */
  readonly step: number;
}

export interface RequestForm {
  readonly bits: 2048 | 3072 | 4096;
  readonly cn: string;
  /** DNS names and IP addresses. */
  readonly sans: readonly string[];
  readonly o?: string;
  readonly ou?: string;
  readonly l?: string;
  readonly st?: string;
  readonly c?: string;
}

/** The Microsoft CA instructions for the template the user named. */
export interface CaInstructionsView extends MicrosoftCaInstructions {
  readonly template: string;
}

export interface RequestView {
  readonly form: RequestForm;
  readonly csrPem: string;
  readonly subject: string;
  readonly bits: number;
  /** Where the private key is: SecretStorage or a file (path shown, contents never). */
  readonly keyLocation: { readonly kind: 'secret' } | { readonly kind: 'file'; readonly path: string } | { readonly kind: 'host' };
  /** The key is still there (SecretStorage entry or readable file). */
  readonly keyAvailable: boolean;
  readonly createdAt: string;
  readonly instructions: CaInstructionsView;
}

export interface CheckView {
  readonly id: string;
  readonly title: string;
  readonly status: 'pass' | 'warn' | 'fail' | 'skipped';
  readonly message: string;
  readonly details: readonly string[];
}

export interface ImportView {
  readonly ok: boolean;
  readonly certName: string;
  readonly chainNames: readonly string[];
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly sha256: string;
  readonly sha1: string;
  readonly path: readonly string[];
  readonly checks: readonly CheckView[];
  /** Reading the files failed (no checks then). */
  readonly error?: string;
}

export interface FilesView {
  readonly folder: string;
  readonly files: readonly { readonly path: string; readonly description: string }[];
}

export interface StepView {
  readonly id: string;
  readonly phase: 'prepare' | 'deploy' | 'rollback';
  readonly title: string;
  readonly status: 'pending' | 'running' | 'ok' | 'failed' | 'skipped';
  readonly detail?: string;
  readonly ms?: number;
}

export interface DeployView {
  readonly ok: boolean;
  readonly rolledBack: boolean;
  readonly previousCertServed?: boolean;
  readonly newSha256: string;
  readonly liveSha256?: string;
  readonly previousSha256?: string;
  readonly error?: string;
  readonly steps: readonly StepView[];
  /** The inventory connection's pinned thumbprint was moved to the new certificate. */
  readonly connectionPinUpdated: boolean;
}

export interface HostKeyView {
  readonly sshHost: string;
  readonly sshPort: number;
  /** What the host presents now. */
  readonly fingerprint: string;
  readonly keyType?: string;
  readonly pinned?: string;
  readonly status: 'unknown' | 'pinned' | 'changed';
}

export interface SshDefaults {
  readonly sshHost: string;
  readonly sshPort: number;
  readonly user: string;
  readonly passwordStored: boolean;
  readonly pinnedHostKey?: string;
}

export interface ChecklistView {
  readonly title: string;
  readonly detail: string;
  readonly command?: string;
  readonly source?: string;
}

/** The deploy route the server's generation takes (core/certs/routes chooseRoute), as the wizard shows it. */
export interface RouteView {
  /** ssh, api, vcsa; absent for vCenter on Windows (the checklist). */
  readonly id?: 'ssh' | 'api' | 'vcsa';
  readonly method: 'ssh-hostd' | 'ssh-rhttpproxy' | 'host-api' | 'vcsa-rest' | 'vcsa-vecs' | 'windows-checklist';
  /** The CSR is generated on the server; its key never leaves it. */
  readonly csrOnServer: boolean;
  readonly reason: string;
  readonly sources: readonly string[];
  /** "VMware ESXi 8.0.0 build-…", when read. */
  readonly generation?: string;
}

export interface WizardSnapshot {
  readonly state: CertWizardState;
  /** Display name of the target (FQDN or host:port). */
  readonly label: string;
  readonly connectionLabel?: string;
  readonly defaults: RequestForm;
  readonly request?: RequestView;
  readonly imported?: ImportView;
  readonly ssh: SshDefaults;
  readonly checklist: readonly ChecklistView[];
  readonly pfxPassword: string;
  readonly route: RouteView;
}

export type InspectionView = EndpointInspection & {
  readonly worst: 'error' | 'warning' | 'info' | 'none';
  /** Request form suggested from what the host serves (its CN when the address is an IP). */
  readonly suggested: RequestForm;
};

export interface PickedFile {
  readonly name: string;
  /** File bytes, base64 (PEM, DER or .p7b — certificates are public). */
  readonly base64: string;
}

export interface CertWizardProtocol {
  requests: {
    load: { params: Record<string, never>; result: WizardSnapshot };
    setStep: { params: { step: number }; result: void };
    setKind: { params: { kind: 'esx' | 'vcenter' }; result: void };
    inspect: { params: Record<string, never>; result: InspectionView };
    /** Generates key + CSR. With store 'file' the extension asks where (its own save dialog, never a path from here). */
    generate: { params: { form: RequestForm; template?: string; store: 'secret' | 'file'; replace?: boolean }; result: RequestView };
    instructions: { params: { template: string }; result: CaInstructionsView };
    /** api route: the host generates the key and the CSR (HostCertificateManager); nothing secret is kept here. */
    hostCsr: { params: { useIp?: boolean }; result: RequestView };
    copy: { params: { text: string }; result: void };
    /** Opens a file dialog (certificates: .crt .cer .pem .der .p7b). */
    pickFile: { params: { purpose: 'cert' | 'chain' }; result: PickedFile[] };
    /** Verifies the signed certificate (+ chain) against the stored key and the host names. */
    verify: { params: { cert: PickedFile | { readonly name: string; readonly text: string }; chain: readonly (PickedFile | { readonly name: string; readonly text: string })[] }; result: ImportView };
    /**
     * Writes ESX(i) and vCenter files to a folder the extension asks for (its own dialog). Existing
     * files: the extension asks; `overwrite: false` refuses without asking.
     */
    writeFiles: { params: { pfxPassword?: string; overwrite?: false }; result: FilesView | undefined };
    /** Reads the SSH host key the host presents (no login). */
    hostKey: { params: { sshHost: string; sshPort: number }; result: HostKeyView };
    /**
     * Pins the key the host presents now, after the user confirmed its fingerprint in the extension's
     * own dialog (the webview names no fingerprint). Result: whether it was pinned.
     */
    pinHostKey: { params: { sshHost: string; sshPort: number }; result: boolean };
    /**
     * Deploys over SSH with the pinned host key, after the extension's own "restart the management
     * agent?" question. `password` absent → the stored one.
     */
    deploy: { params: { sshHost: string; sshPort: number; user: string; password?: string; savePassword?: boolean }; result: DeployView | undefined };
    /** Deploys by the api or vcsa route (no SSH), after the extension's own confirmation; proven live, rolled back on failure. */
    deployRoute: { params: Record<string, never>; result: DeployView | undefined };
    /** Forgets the remembered password of `user` (default root) on `sshHost:sshPort` (default 22). */
    forgetPassword: { params: { sshHost: string; sshPort?: number; user?: string }; result: void };
  };
  events: {
    deployStep: StepView;
  };
}

export type { Finding };
