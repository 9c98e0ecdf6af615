/** Step 1 (browser side): what the host serves, its findings, Inspect Again. */
import { h, icon, type Child } from '../../shared/dom';
import { busy, client, m, render, t } from '../model';
import { section } from '../frame';
import { banner, button, el, fmtDate } from '../widgets';

function keyText(k: { type: string; bits?: number; curve?: string }): string {
  return k.type === 'ec' ? `EC ${k.curve ?? ''}` : `${k.type.toUpperCase()} ${k.bits ?? '?'}-bit`;
}
export function inspectStep(): HTMLElement {
  const body: Child[] = [];
  if (busy.has('inspect')) body.push(h('div', { class: 'row' }, el('vscode-progress-ring'), t('inspecting')));
  if (m.inspectError) body.push(banner('error', m.inspectError));
  if (m.inspection) {
    const leaf = m.inspection.chain[0];
    const sans = [...leaf.subjectAltNames.dns.map((d) => `DNS:${d}`), ...leaf.subjectAltNames.ip.map((i) => `IP:${i}`)];
    const dl = h('dl', { class: 'facts' });
    const row = (k: string, v: Child): void => { dl.append(h('dt', {}, k), h('dd', {}, v)); };
    row(t('subject'), leaf.subject.text || t('none'));
    row(t('sans'), sans.length ? sans.join(', ') : t('none'));
    row(t('issuer'), h('span', {}, leaf.issuer.text, leaf.isSelfSigned ? h('span', { class: 'muted' }, ` (${t('selfSigned')})`) : null));
    row(t('validity'), `${fmtDate(leaf.notBefore)} → ${fmtDate(leaf.notAfter)}`);
    row(t('key'), keyText(leaf.publicKey));
    row(t('signature'), leaf.signatureAlgorithm.name);
    row('SHA-256', h('span', { class: 'thumb', id: 'live-sha256' }, leaf.sha256Thumbprint));
    row('SHA-1', h('span', { class: 'thumb' }, leaf.sha1Thumbprint));
    row(t('chain'), h('ol', { class: 'chainlist' }, ...m.inspection.chain.map((c) => h('li', {}, c.subject.commonName ?? c.subject.text, c.isSelfSigned ? h('span', { class: 'muted' }, ` (${t('selfSigned')})`) : null))));
    row(t('trusted'), m.inspection.trust.authorized ? t('yes') : `${t('no')} (${m.inspection.trust.error ?? ''})`);
    body.push(dl, h('h3', {}, t('findings')));
    if (!m.inspection.findings.length) body.push(banner('ok', t('noFindings')));
    else {
      const ul = h('ul', { class: 'findings', id: 'findings' });
      const order = { error: 0, warning: 1, info: 2 } as const;
      for (const f of [...m.inspection.findings].sort((a, b) => order[a.severity] - order[b.severity])) {
        ul.append(h('li', { class: `f-${f.severity}`, 'data-code': f.code },
          icon(f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info', `ico-${f.severity}`),
          h('div', {}, h('span', { class: `sevtag ico-${f.severity}` }, f.severity), f.message)));
      }
      body.push(ul);
    }
  }
  body.push(h('div', { class: 'actions' }, button(t('reinspect'), () => void doInspect(), { secondary: true, icon: 'refresh', disabled: busy.has('inspect'), id: 'reinspect' })));
  return section(1, t('inspectIntro'), ...body);
}

export async function doInspect(): Promise<void> {
  busy.add('inspect');
  m.inspectError = undefined;
  render();
  try {
    m.inspection = await client.request('inspect', {});
    if (!m.request && !m.formTouched) m.form = m.inspection.suggested;
  } catch (e) {
    m.inspectError = (e as Error).message;
  } finally {
    busy.delete('inspect');
    render();
  }
}
