/** Step 3 (browser side): pick or paste the signed certificate and chain, and the checks' results. */
import { h, icon, type Child } from '../../shared/dom';
import type { PickedFile } from '../protocol';
import { busy, client, errors, m, render, t } from '../model';
import { section } from '../frame';
import { banner, button, el, fmtDate } from '../widgets';

export function importStep(): HTMLElement {
  const body: Child[] = [];
  if (!m.request) body.push(banner('warning', t('needRequest')));
  const certArea = el('vscode-textarea', { id: 'cert-paste', rows: '5', placeholder: '-----BEGIN CERTIFICATE-----', 'aria-label': t('pasteHere') }) as HTMLElement & { value: string };
  certArea.value = m.certPaste;
  certArea.addEventListener('input', () => { m.certPaste = certArea.value; });
  const chainArea = el('vscode-textarea', { id: 'chain-paste', rows: '4', placeholder: '-----BEGIN CERTIFICATE-----', 'aria-label': t('pasteHere') }) as HTMLElement & { value: string };
  chainArea.value = m.chainPaste;
  chainArea.addEventListener('input', () => { m.chainPaste = chainArea.value; });
  body.push(
    h('h3', {}, t('certificate')),
    h('div', { class: 'actions' }, button(t('pick'), () => void pick('cert'), { secondary: true, icon: 'folder-opened', id: 'pick-cert' }), m.certInput && 'base64' in m.certInput ? h('span', { class: 'mono' }, m.certInput.name) : null),
    h('div', { class: 'label' }, t('pasteHere')), certArea,
    h('h3', {}, t('caChain')),
    h('div', { class: 'actions' }, button(t('pick'), () => void pick('chain'), { secondary: true, icon: 'folder-opened', id: 'pick-chain' }), m.chainInputs.length ? h('span', { class: 'mono' }, m.chainInputs.map((c) => c.name).join(', ')) : null),
    h('div', { class: 'label' }, t('pasteHere')), chainArea,
    h('div', { class: 'actions' }, button(busy.has('verify') ? t('verifying') : t('verify'), () => void doVerify(), { icon: 'verified', disabled: busy.has('verify') || !m.request, id: 'verify' })),
  );
  if (m.imported) {
    if (m.imported.error) body.push(banner('error', m.imported.error));
    else {
      const dl = h('dl', { class: 'facts', id: 'verify-result' });
      const row = (k: string, v: Child): void => { dl.append(h('dt', {}, k), h('dd', {}, v)); };
      row(t('certificate'), `${m.imported.subject}  (${m.imported.certName}${m.imported.chainNames.length ? ` + ${m.imported.chainNames.join(', ')}` : ''})`);
      row(t('issuer'), m.imported.issuer);
      row(t('chain'), m.imported.path.join(' → '));
      row(t('validity'), `${fmtDate(m.imported.notBefore)} → ${fmtDate(m.imported.notAfter)}`);
      row(t('newThumb'), h('span', { class: 'thumb', id: 'new-sha256' }, m.imported.sha256));
      body.push(dl);
      const ul = h('ul', { class: 'checks', id: 'checks' });
      const ic = { pass: ['pass-filled', 'ico-ok'], warn: ['warning', 'ico-warning'], fail: ['error', 'ico-error'], skipped: ['circle-slash', 'ico-muted'] } as const;
      for (const c of m.imported.checks) {
        ul.append(h('li', { class: `st-${c.status}`, 'data-check': c.id, 'data-status': c.status },
          icon(ic[c.status][0], ic[c.status][1]),
          h('div', {}, h('span', { class: 'title' }, c.title), ' — ', c.message,
            c.details.length ? h('ul', { class: 'details' }, ...c.details.map((d) => h('li', {}, d))) : null)));
      }
      body.push(ul, m.imported.ok ? banner('ok', t('readyToDeploy')) : banner('error', t('notReady')));
    }
  }
  return section(3, t('importIntro'), ...body);
}

async function pick(purpose: 'cert' | 'chain'): Promise<void> {
  const picked = await client.request('pickFile', { purpose });
  if (!picked.length) return;
  if (purpose === 'cert') m.certInput = picked[0];
  else m.chainInputs = picked;
  render();
}

async function doVerify(): Promise<void> {
  const cert = m.certPaste.trim() ? { name: 'PEM', text: m.certPaste } : m.certInput;
  if (!cert) return;
  const chain: (PickedFile | { name: string; text: string })[] = [...m.chainInputs];
  if (m.chainPaste.trim()) chain.push({ name: 'PEM', text: m.chainPaste });
  busy.add('verify');
  errors.delete('step3');
  render();
  try {
    m.imported = await client.request('verify', { cert, chain });
  } catch (e) {
    errors.set('step3', (e as Error).message);
  } finally {
    busy.delete('verify');
    render();
    document.getElementById('verify-result')?.scrollIntoView({ block: 'start' });
  }
}
