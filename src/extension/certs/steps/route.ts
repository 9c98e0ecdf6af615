/**
 * The deploy route of the wizard's target, chosen from its generation (core/certs/routes
 * chooseRoute) and shown to the user; the api route's "CSR generated on the host" and the api / vcsa
 * deploys (no SSH). The generation comes from the inventory connection that reaches the target (the
 * host itself, or its vCenter for a host under it: `summary.config.product`), else from the target's
 * own `about`, read without logging in (nothing secret is sent).
 */
import * as vscode from 'vscode';
import { lazy } from '../../../core/lazy';
import type { DeployRoute, RouteAccess, RouteChoice } from '../../../core/certs/routes/types';
import type { VimClient } from '../../../core/vsphere/client';
import type { MoRef } from '../../../core/vsphere/decode';
import type { Generation } from '../../../core/vsphere/generation';
import { withCancellableProgress } from '../../commands';
import { log } from '../../log';
import type { CertWizardState, DeployView, RouteView } from '../../../webview/certs/protocol';
import { hostId, type SavedRequest } from '../store';
import type { StepHandlers, WizardContext } from './context';
import { deployView, followPin, stepView } from './deploy';
import { requestView } from './request';

const core = {
  routes: lazy(() => require('../../../core/certs/routes') as typeof import('../../../core/certs/routes')),
  client: lazy(() => require('../../../core/vsphere/client') as typeof import('../../../core/vsphere/client')),
  property: lazy(() => require('../../../core/vsphere/property') as typeof import('../../../core/vsphere/property')),
  generation: lazy(() => require('../../../core/vsphere/generation') as typeof import('../../../core/vsphere/generation')),
  request: lazy(() => require('../../../core/certs/request') as typeof import('../../../core/certs/request')),
};

interface Reach {
  conn: string;
  client: VimClient;
  /** The HostSystem of an ESX(i) target. */
  host?: MoRef;
}

/** The inventory connection that reaches the target, logged in; undefined when none does. */
async function reach(ctx: WizardContext, s: CertWizardState): Promise<Reach | undefined> {
  const conn = ctx.store.connectionFor(s) ?? s.via;
  if (!conn) return undefined;
  const inventory = ctx.store.inventory;
  const client = await inventory.sessions.client(conn);
  if (s.kind === 'vcenter') return { conn, client };
  const hosts = inventory.sessions.snapshot(conn)?.inventory.hosts ?? [];
  const direct = client.serviceContent.about.apiType === 'HostAgent';
  const host = direct ? hosts[0]?.ref ?? (await core.property().retrieve(client, 'HostSystem', ['name']))[0]?.obj : hosts.find((h) => h.name.toLowerCase() === s.host.toLowerCase())?.ref;
  return host ? { conn, client, host } : undefined;
}

async function generationOf(s: CertWizardState, r: Reach | undefined): Promise<Generation | undefined> {
  if (r?.host && r.client.serviceContent.about.apiType !== 'HostAgent') {
    return core.generation().generationFromProduct(await core.property().retrieveProperty(r.client, r.host, core.generation().HOST_PRODUCT_PATH));
  }
  if (r) return r.client.generation;
  const c = await core.client().VimClient.open({ url: `${s.host}:${s.port}`, username: '', password: '', trust: { mode: 'insecure' }, keepAliveMs: 0, timeoutMs: 10_000 });
  try {
    return c.generation;
  } finally {
    await c.close();
  }
}

/** The route and why, for the snapshot; the API routes fall back to SSH / the checklist when nothing reaches the target. */
export async function wizardRoute(ctx: WizardContext, s: CertWizardState): Promise<{ view: RouteView; windowsVersion?: '4.0' | '4.1' | '5.0' | '5.1' }> {
  const routes = core.routes();
  const kind = s.kind === 'vcenter' ? 'vcenter' : 'host';
  const r = await reach(ctx, s).catch(() => undefined);
  const gen = await generationOf(s, r).catch(() => undefined);
  let choice: RouteChoice = routes.chooseRoute(gen, kind);
  // Without a connection the API route cannot be taken: the note leads with that, then says why the fallback.
  if (choice.id === 'api' && !r?.host) {
    const fallback = routes.chooseRoute(gen, kind, 'ssh');
    choice = { ...fallback, reason: `${ctx.strings.routeNoConnection} ${fallback.reason}` };
  }
  if (choice.id === 'vcsa' && !r) {
    const fallback = routes.chooseRoute(undefined, kind);
    choice = { ...fallback, reason: `${ctx.strings.routeNoConnection} ${fallback.reason}` };
  }
  const view: RouteView = { ...(choice.id ? { id: choice.id } : {}), method: choice.method, csrOnServer: choice.csrOnServer, reason: choice.reason, sources: choice.sources, ...(gen ? { generation: gen.label } : {}) };
  // vCenter on Windows: the checklist follows the guide of its version (the generation model says which).
  return { view, ...(choice.method === 'windows-checklist' && gen ? { windowsVersion: gen.windowsChecklistVersion } : {}) };
}

/** The route bound to the target with the connection's access. */
async function boundRoute(ctx: WizardContext, s: CertWizardState): Promise<{ route: DeployRoute; view: RouteView }> {
  const { view } = ctx.route?.key === `${s.host}:${s.port}:${s.kind}` ? ctx.route : await wizardRoute(ctx, s);
  const r = await reach(ctx, s);
  if (!r || (view.id !== 'api' && view.id !== 'vcsa')) throw new Error(ctx.strings.routeNeedsConnection);
  let access: RouteAccess;
  const c = ctx.store.inventory.store.get(r.conn)!;
  const password = await ctx.store.inventory.store.password(r.conn);
  if (!password) throw new Error(ctx.strings.routeNeedsConnection);
  if (view.id === 'api') {
    // After the switch the connection's pinned client stops at the new certificate: the rollback reconnects pinned to it.
    const reconnect = (sha256: string): Promise<VimClient> => core.client().VimClient.connect({ url: c.url, username: c.username, password, trust: { mode: 'pinned', sha256 }, keepAliveMs: 0 });
    access = { vim: { client: r.client, host: r.host!, reconnect } };
  } else {
    access = { rest: { username: c.username, password, trust: c.thumbprintSha256 ? { mode: 'pinned', sha256: c.thumbprintSha256 } : { mode: 'system' } } };
  }
  const choice = { ...(view.id ? { id: view.id } : {}), method: view.method, csrOnServer: view.csrOnServer, acceptsOwnKey: !view.csrOnServer, reason: view.reason, sources: view.sources };
  return { route: core.routes().createRoute(choice, { host: s.host, port: s.port, kind: s.kind === 'vcenter' ? 'vcenter' : 'host' }, access), view };
}

async function confirmApiDeploy(id: string, view: RouteView): Promise<boolean> {
  const yes = vscode.l10n.t('Deploy');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Replace the certificate of {0} through its API?', id), { modal: true, detail: view.reason }, yes);
  return answer === yes;
}

export function routeHandlers(ctx: WizardContext): StepHandlers<'hostCsr' | 'deployRoute'> {
  const { store, panel } = ctx;
  return {
    async hostCsr({ useIp }, signal) {
      const s = panel.state;
      const { route } = await boundRoute(ctx, s);
      if (!route.requestCsr) throw new Error(ctx.strings.routeNeedsConnection);
      const csrPem = await route.requestCsr({ useIpAddressAsCommonName: useIp === true, signal });
      const info = core.request().describeRequest(csrPem);
      const saved = store.read(s);
      const req: SavedRequest = {
        form: { bits: 2048, cn: info.commonName ?? s.host, sans: [...info.sans.dns, ...info.sans.ip] },
        csrPem, subject: info.subject, bits: 2048, keyLocation: { kind: 'host' }, createdAt: new Date().toISOString(), template: saved.request?.template ?? 'WebServer',
      };
      await store.write(s, { request: req, imported: undefined });
      log().info(`certificate wizard: ${hostId(s.host, s.port)} generated its own CSR (key kept on the host)`);
      return requestView(store, s, req);
    },

    async deployRoute(_p, outer) {
      const s = panel.state;
      const id = hostId(s.host, s.port);
      const saved = store.read(s);
      if (!saved.imported) throw new Error(ctx.strings.needImport);
      const { route, view } = await boundRoute(ctx, s);
      const key = view.id === 'vcsa' ? await store.readKey(s, saved.request) : undefined;
      if (view.id === 'vcsa' && !key) throw new Error(ctx.strings.keyMissing);
      if (!(await confirmApiDeploy(id, view))) return undefined;
      const result = await withCancellableProgress({ title: vscode.l10n.t('Replacing the certificate of {0}', id), signal: outer }, (signal, progress) =>
        route.deploy({
          cert: saved.imported!.certPem, chain: saved.imported!.chainPems, ...(key ? { key } : {}), signal,
          onStep: (step) => {
            if (step.status === 'running') progress.report({ message: step.title });
            void panel.post('deployStep', stepView(step));
            if (step.status === 'failed') log().warn(`certificate deploy ${id} (${view.method}): ${step.phase}/${step.id} failed: ${step.detail ?? ''}`);
          },
        }));
      const pinUpdated = result.ok ? await followPin(ctx, s, result.newSha256) : false;
      if (!result.ok) void vscode.window.showErrorMessage(result.error ?? ctx.strings.deployFailed);
      return deployView(result, pinUpdated);
    },
  };
}

export type { DeployView };
