/**
 * Which deploy route a server's generation takes (see ./types.ts). Pure: the facts are the
 * generation model's (src/core/vsphere/generation.ts), with their sources there.
 */
import { LabError } from '../../errors';
import type { Generation } from '../../vsphere/generation';
import type { DeployRouteId, RouteChoice, RouteMethod, TargetKind } from './types';
import { DEPLOY_ROUTE_IDS } from './types';

const SRC_HOST_API = 'vSphere Web Services API, HostCertificateManager (vim.host.CertificateManager), since API 6.0 — developer.broadcom.com/xapis/vsphere-web-services-api/8.0u1/vim.host.CertificateManager.html';
const SRC_RHTTPPROXY = 'DOMAIN.md §7 "Certificates": since 5.x port 443 is terminated by rhttpproxy';
const SRC_ESX4 = 'DOMAIN.md §2: rui.crt/rui.key in /etc/vmware/ssl, /etc/init.d/hostd restart (thinkcloud.nl 2011-01-28)';
const SRC_VCSA_REST = 'vSphere Automation API, Certificate Management Vcenter Tls (PUT replaces the rhttpproxy TLS certificate) and TrustedRootChains — developer.broadcom.com/xapis/vsphere-automation-api/latest/vcenter/certificate_management-vcenter/tls';
const SRC_VECS = 'vSphere 6.5/6.7 security guide, "Replace Machine SSL Certificate with Custom Certificate": vecs-cli entry delete/create in store MACHINE_SSL_CERT, alias __MACHINE_CERT; dir-cli trustedcert publish';
const SRC_WINDOWS = 'vSphere 4.0 U1 / 5.0 certificate guides (core/certs/files.ts vcenterChecklist)';

function choice(id: DeployRouteId | undefined, method: RouteMethod, reason: string, sources: string[], csrOnServer = false): RouteChoice {
  return { ...(id ? { id } : {}), method, csrOnServer, acceptsOwnKey: !csrOnServer && method !== 'windows-checklist', reason, sources };
}

/** The route of an ESX(i) host over SSH: which restart puts the new certificate in service. */
function sshHostRoute(gen: Generation | undefined): RouteChoice {
  if (gen && gen.certificateRestart === 'rhttpproxy+hostd') {
    return choice('ssh', 'ssh-rhttpproxy', `ESXi ${gen.version}: rui.crt and rui.key over SSH, then rhttpproxy and hostd restarted (rhttpproxy serves port 443 since 5.0).`, [SRC_RHTTPPROXY, SRC_ESX4]);
  }
  return choice('ssh', 'ssh-hostd', `${gen ? `ESX ${gen.version}` : 'A host of unknown generation'}: rui.crt and rui.key over SSH, then hostd restarted.`, [SRC_ESX4]);
}

/**
 * The route for a server of this generation. `kind` tells a host from the vCenter; `forced` is the
 * user's `--route` (refused with a reason in `notes` when the generation cannot take it).
 */
export function chooseRoute(gen: Generation | undefined, kind: TargetKind, forced?: DeployRouteId): RouteChoice {
  if (forced) return forcedRoute(gen, kind, forced);
  if (kind === 'host') {
    if (gen?.hasCertificateManager) {
      return choice('api', 'host-api', `ESXi ${gen.version} (API ${gen.about.apiVersion ?? gen.version}): HostCertificateManager — the CSR is generated on the host and its key never leaves it; no SSH.`, [SRC_HOST_API], true);
    }
    return sshHostRoute(gen);
  }
  if (gen?.hasVcenterTlsApi) {
    return choice('vcsa', 'vcsa-rest', `vCenter appliance ${gen.version}: the TLS REST API replaces the machine certificate and adds the root chain; no SSH.`, [SRC_VCSA_REST]);
  }
  if (gen?.hasVecsCli) {
    return choice('ssh', 'vcsa-vecs', `vCenter appliance ${gen.version}: vecs-cli over SSH (MACHINE_SSL_CERT store), backed up first and rolled back on failure.`, [SRC_VECS]);
  }
  return choice(undefined, 'windows-checklist', `vCenter Server${gen ? ` ${gen.version}` : ''} on Windows: a checklist to follow by hand.`, [SRC_WINDOWS]);
}

/** Why a forced route cannot run on this generation, or undefined when it can. */
export function routeRefusal(gen: Generation | undefined, kind: TargetKind, id: DeployRouteId): string | undefined {
  if (id === 'api') {
    if (kind !== 'host') return 'The api route is for ESXi hosts; a vCenter takes --route vcsa (7.0+) or ssh (6.5/6.7 appliance).';
    if (gen && !gen.hasCertificateManager) return `ESX(i) ${gen.version} has no HostCertificateManager (it came with API 6.0); use --route ssh.`;
  }
  if (id === 'vcsa') {
    if (kind !== 'vcenter') return 'The vcsa route is for a vCenter appliance; a host takes --route api (6.0+) or ssh.';
    if (gen && !gen.hasVcenterTlsApi) return `vCenter ${gen.version} has no TLS REST API (appliance 7.0+); ${gen.hasVecsCli ? 'use --route ssh (vecs-cli).' : 'follow the checklist of the wizard.'}`;
  }
  if (id === 'ssh' && kind === 'vcenter' && gen && !gen.hasVecsCli) return `vCenter ${gen.version} is not an appliance with vecs-cli; ${gen.hasVcenterTlsApi ? 'use --route vcsa.' : 'follow the checklist of the wizard.'}`;
  return undefined;
}

function forcedRoute(gen: Generation | undefined, kind: TargetKind, id: DeployRouteId): RouteChoice {
  const refusal = routeRefusal(gen, kind, id);
  if (refusal) throw new LabError('invalidArgument', refusal);
  if (id === 'ssh') return kind === 'host' ? sshHostRoute(gen) : choice('ssh', 'vcsa-vecs', 'vecs-cli over SSH (asked for).', [SRC_VECS]);
  if (id === 'api') return choice('api', 'host-api', 'HostCertificateManager (asked for).', [SRC_HOST_API], true);
  return choice('vcsa', 'vcsa-rest', 'The vCenter TLS REST API (asked for).', [SRC_VCSA_REST]);
}

/** Parses `--route`; undefined for anything else (callers list DEPLOY_ROUTE_IDS). */
export function parseRouteId(text: string | undefined): DeployRouteId | undefined {
  return (DEPLOY_ROUTE_IDS as readonly string[]).includes(text ?? '') ? (text as DeployRouteId) : undefined;
}
