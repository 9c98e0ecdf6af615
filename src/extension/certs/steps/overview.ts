/** The wizard as a whole: the snapshot the webview loads (and reloads), and moving between steps and targets. */
import { certsCore as core } from '../../../core/certs/lazy';
import { hostOf } from '../../inventory/connections';
import type { WizardSnapshot } from '../../../webview/certs/protocol';
import { hostId } from '../store';
import type { StepHandlers, WizardContext } from './context';
import { requestDefaults } from './inspect';
import { verifyImport } from './importVerify';
import { requestView } from './request';
import { wizardRoute } from './route';

async function snapshot(ctx: WizardContext): Promise<WizardSnapshot> {
  const { store } = ctx;
  const s = ctx.panel.state;
  const saved = store.read(s);
  const conn = store.connectionFor(s);
  const c = conn ? store.inventory.store.get(conn) : undefined;
  const hosts = conn ? (store.inventory.sessions.snapshot(conn)?.inventory.hosts.map((h) => h.name) ?? []) : [];
  const sshHost = saved.ssh?.sshHost ?? s.host;
  const sshPort = saved.ssh?.sshPort ?? 22;
  const user = saved.ssh?.user ?? 'root';
  const pinnedHostKey = await store.ssh.pins.get({ host: sshHost, port: sshPort });
  const key = `${s.host}:${s.port}:${s.kind}`;
  if (ctx.route?.key !== key) ctx.route = { key, ...(await wizardRoute(ctx, s)) };
  const route = ctx.route.view;
  const windowsVersion = ctx.route.windowsVersion;
  return {
    state: { ...s, ...(conn ? { conn } : {}) },
    label: hostId(s.host, s.port),
    ...(c ? { connectionLabel: c.label ?? hostOf(c.url) } : {}),
    defaults: saved.request?.form ?? requestDefaults(s),
    ...(saved.request ? { request: await requestView(store, s, saved.request) } : {}),
    ...(saved.imported ? { imported: await verifyImport(ctx, s, saved.imported) } : {}),
    ssh: {
      sshHost, sshPort, user,
      passwordStored: (await store.password(user, { host: sshHost, port: sshPort })) !== undefined,
      ...(pinnedHostKey ? { pinnedHostKey } : {}),
    },
    checklist: core.files().vcenterChecklist({ hosts, ...(windowsVersion ? { version: windowsVersion } : {}) }),
    route,
    pfxPassword: ctx.pfxPassword,
  };
}

export function overviewHandlers(ctx: WizardContext): StepHandlers<'load' | 'setStep' | 'setKind'> {
  const { panel } = ctx;
  return {
    load: () => snapshot(ctx),
    async setStep({ step }) {
      if (Number.isInteger(step) && step >= 1 && step <= 5) panel.setState({ ...panel.state, step });
    },
    async setKind({ kind }) {
      if (kind === 'esx' || kind === 'vcenter') panel.setState({ ...panel.state, kind });
      ctx.route = undefined;
    },
  };
}
