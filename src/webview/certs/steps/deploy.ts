/** Step 5 for ESX(i) (browser side): SSH endpoint and password, host key check and pin, Deploy, its steps. */
import { h, icon, type Child } from '../../shared/dom';
import type { StepView } from '../protocol';
import { busy, client, errors, m, reload, render, t } from '../model';
import { section } from '../frame';
import { banner, button, el, textfield } from '../widgets';
import { doInspect } from './inspect';

/** The route banner: which route the generation takes, and why. */
export function routeBanner(): HTMLElement {
  const r = m.snap!.route;
  return h('div', { class: 'route-note', id: 'route-note', 'data-route': r.method }, icon('info', 'ico-info'),
    h('div', {}, h('strong', {}, t('routeTitle', t(`route_${r.method}`))), h('div', { id: 'route-reason' }, r.reason)));
}

/** api / vcsa route: no SSH; one Deploy through the server's API. */
function apiDeployStep(): HTMLElement {
  const body: Child[] = [routeBanner()];
  if (!m.imported?.ok) body.push(banner('warning', t('needImport')));
  body.push(h('div', { class: 'actions' },
    button(busy.has('deploy') ? t('deploying') : t('deployApi'), () => void doDeploy(true), { icon: 'cloud-upload', id: 'deploy', disabled: busy.has('deploy') || !m.imported?.ok }),
    busy.has('deploy') ? el('vscode-progress-ring') : null));
  resultAndSteps(body);
  return section(5, t('deployApiIntro'), ...body);
}

function resultAndSteps(body: Child[]): void {
  if (m.deployResult) {
    body.push(h('div', { id: 'deploy-result' }));
    if (m.deployResult.ok) {
      body.push(banner('ok', t('deployOk'), h('div', {},
        h('div', { class: 'thumb' }, `${t('liveThumb')}: ${m.deployResult.liveSha256 ?? ''}`),
        m.deployResult.connectionPinUpdated ? h('div', {}, t('pinUpdated')) : null)));
    } else {
      body.push(banner('error', m.deployResult.error ?? t('deployFailed'),
        m.deployResult.rolledBack && !m.deployResult.previousCertServed ? h('div', {}, t('rollbackIncomplete')) : null));
    }
  }
  if (m.deploySteps.length) body.push(progressList(m.deploySteps));
}

export function deployStep(): HTMLElement {
  const route = m.snap!.route;
  if (route.id === 'api' || route.id === 'vcsa') return apiDeployStep();
  const body: Child[] = [routeBanner()];
  if (!m.imported?.ok) body.push(banner('warning', t('needImport')));
  const pw = el('vscode-textfield', { id: 'ssh-password', type: 'password', placeholder: m.snap!.ssh.passwordStored ? t('passwordStored') : '' }) as HTMLElement & { value: string };
  pw.value = m.ssh.password;
  pw.addEventListener('input', () => {
    m.ssh.password = pw.value;
    const d = document.getElementById('deploy') as (HTMLElement & { disabled: boolean }) | null;
    if (d) d.disabled = !deployReady();
  });
  const save = el('vscode-checkbox', { id: 'save-password', ...(m.ssh.savePassword ? { checked: true } : {}) }, t('savePassword')) as HTMLElement & { checked: boolean };
  save.addEventListener('change', () => { m.ssh.savePassword = save.checked; });
  body.push(h('div', { class: 'form' },
    textfield('ssh-host', t('sshHost'), m.ssh.sshHost, (v) => { m.ssh.sshHost = v; m.hostKey = undefined; }),
    textfield('ssh-port', t('sshPort'), String(m.ssh.sshPort), (v) => { m.ssh.sshPort = Number(v) || 22; m.hostKey = undefined; }),
    textfield('ssh-user', t('sshUser'), m.ssh.user, (v) => { m.ssh.user = v; }),
    h('div', { class: 'field' }, h('label', { for: 'ssh-password' }, t('sshPassword')), pw),
    h('div', { class: 'field wide' }, h('div', { class: 'row' }, save, m.snap!.ssh.passwordStored ? button(t('forgetPassword'), () => void client.request('forgetPassword', { sshHost: m.ssh.sshHost, sshPort: m.ssh.sshPort, user: m.ssh.user }).then(reload), { secondary: true, id: 'forget-password' }) : null))));
  // host key
  const pinned = isPinned();
  const hk = h('div', { class: 'hostkey', id: 'hostkey' });
  if (m.hostKey) {
    const msg = m.hostKey.status === 'pinned' ? t('hostKeyPinned') : m.hostKey.status === 'changed' ? t('hostKeyChanged') : t('hostKeyUnknown');
    const ic = m.hostKey.status === 'pinned' ? icon('pass-filled', 'ico-ok') : m.hostKey.status === 'changed' ? icon('error', 'ico-error') : icon('key', 'ico-info');
    hk.append(h('div', { class: 'keyline' }, ic, h('span', {}, msg)), h('div', { class: 'thumb' }, `${m.hostKey.keyType ?? ''} ${m.hostKey.fingerprint}`));
    if (m.hostKey.status === 'changed') hk.append(h('div', { class: 'thumb muted' }, `pinned: ${m.hostKey.pinned}`));
    if (m.hostKey.status !== 'pinned') hk.append(h('div', { class: 'actions' }, button(t('pin'), () => void doPin(), { icon: 'pinned', id: 'pin-host-key' })));
  } else if (pinned) {
    hk.append(h('div', { class: 'keyline' }, icon('pass-filled', 'ico-ok'), h('span', {}, t('hostKeyPinned'))), h('div', { class: 'thumb' }, m.snap!.ssh.pinnedHostKey!));
  }
  body.push(h('div', { class: 'actions' }, button(t('checkHostKey'), () => void doHostKey(), { secondary: true, icon: 'key', id: 'check-host-key', disabled: busy.has('hostkey') })), hk.childNodes.length ? hk : null);
  body.push(h('div', { class: 'actions' },
    button(busy.has('deploy') ? t('deploying') : t('deploy'), () => void doDeploy(false), { icon: 'cloud-upload', id: 'deploy', disabled: !deployReady() }),
    busy.has('deploy') ? el('vscode-progress-ring') : null));
  resultAndSteps(body);
  return section(5, t('deployIntro'), ...body);
}

function isPinned(): boolean {
  return m.hostKey ? m.hostKey.status === 'pinned' : !!m.snap!.ssh.pinnedHostKey && m.snap!.ssh.sshHost === m.ssh.sshHost && m.snap!.ssh.sshPort === m.ssh.sshPort;
}

function deployReady(): boolean {
  return !busy.has('deploy') && !!m.imported?.ok && isPinned() && (!!m.ssh.password || m.snap!.ssh.passwordStored);
}

function progressList(steps: readonly StepView[]): HTMLElement {
  const wrap = h('div', { id: 'deploy-steps', 'aria-live': 'polite' });
  const ic: Record<StepView['status'], [string, string]> = {
    pending: ['circle-large-outline', 'ico-muted'], running: ['loading', 'spin ico-info'], ok: ['pass-filled', 'ico-ok'],
    failed: ['error', 'ico-error'], skipped: ['circle-slash', 'ico-muted'],
  };
  for (const phase of ['prepare', 'deploy', 'rollback'] as const) {
    const list = steps.filter((s) => s.phase === phase);
    if (!list.length) continue;
    wrap.append(h('h3', { class: 'phase' }, t(`phase_${phase}`)));
    wrap.append(h('ul', { class: 'progress' }, ...list.map((s) => h('li', { class: `st-${s.status}`, 'data-step': `${s.phase}:${s.id}`, 'data-status': s.status },
      icon(ic[s.status][0], ic[s.status][1]), h('span', {}, s.title), h('span', { class: 'ms' }, s.ms !== undefined ? `${(s.ms / 1000).toFixed(1)} s` : ''),
      s.detail && (s.status === 'failed' || s.phase !== 'deploy' || s.id === 'verify') ? h('div', { class: 'detail' }, s.detail) : null))));
  }
  return wrap;
}

async function doHostKey(): Promise<void> {
  busy.add('hostkey');
  errors.delete('step5');
  try {
    m.hostKey = await client.request('hostKey', { sshHost: m.ssh.sshHost, sshPort: m.ssh.sshPort });
  } catch (e) {
    errors.set('step5', (e as Error).message);
  } finally {
    busy.delete('hostkey');
    render();
  }
}

async function doPin(): Promise<void> {
  if (!m.hostKey) return;
  const pinned = await client.request('pinHostKey', { sshHost: m.hostKey.sshHost, sshPort: m.hostKey.sshPort });
  if (pinned) m.hostKey = await client.request('hostKey', { sshHost: m.hostKey.sshHost, sshPort: m.hostKey.sshPort });
  await reload();
}

async function doDeploy(api: boolean): Promise<void> {
  busy.add('deploy');
  errors.delete('step5');
  m.deploySteps = [];
  m.deployResult = undefined;
  render();
  try {
    const r = api ? await client.request('deployRoute', {})
      : await client.request('deploy', { sshHost: m.ssh.sshHost, sshPort: m.ssh.sshPort, user: m.ssh.user, ...(m.ssh.password ? { password: m.ssh.password } : {}), savePassword: m.ssh.savePassword });
    if (r) {
      m.deployResult = r;
      m.deploySteps = [...r.steps];
      if (r.ok) {
        m.ssh.password = '';
        void doInspect();
      }
    }
  } catch (e) {
    errors.set('step5', (e as Error).message);
  } finally {
    busy.delete('deploy');
    await reload();
    document.getElementById('deploy-result')?.scrollIntoView({ block: 'start' });
  }
}

/** A `deployStep` event: the step list updates in place. */
export function onDeployStep(s: StepView): void {
  const i = m.deploySteps.findIndex((x) => x.id === s.id && x.phase === s.phase);
  if (i >= 0) m.deploySteps[i] = s; else m.deploySteps.push(s);
  if (m.state.step === 5) {
    const list = document.getElementById('deploy-steps');
    const fresh = progressList(m.deploySteps);
    if (list) list.replaceWith(fresh); else render();
  }
}
