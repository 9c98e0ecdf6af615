/** Step 4 (browser side): the PFX password and Write Files. */
import { errorMessage, isCancellation } from '../../../core/errors';
import { h, icon, type Child } from '../../shared/dom';
import { busy, client, errors, m, render, t } from '../model';
import { section } from '../frame';
import { banner, button, textfield } from '../widgets';

export function filesStep(): HTMLElement {
  const body: Child[] = [];
  if (!m.imported?.ok) body.push(banner('warning', t('needImport')));
  body.push(h('div', { class: 'form' }, textfield('pfx-password', t('pfxPassword'), m.pfxPassword, (v) => { m.pfxPassword = v; })));
  body.push(h('div', { class: 'actions' }, button(t('writeFiles'), () => void doWriteFiles(), { icon: 'save', disabled: !m.imported?.ok || busy.has('files'), id: 'write-files' })));
  if (m.files) {
    body.push(banner('ok', t('written', m.files.folder)),
      h('ul', { class: 'files', id: 'files' }, ...m.files.files.map((f) => h('li', {}, icon('file'), ' ', h('span', { class: 'mono' }, f.path), h('span', { class: 'muted' }, ` — ${f.description}`)))));
  }
  return section(4, t('filesIntro'), ...body);
}

async function doWriteFiles(): Promise<void> {
  busy.add('files');
  errors.delete('step4');
  try {
    const r = await client.request('writeFiles', { pfxPassword: m.pfxPassword });
    if (r) m.files = r;
  } catch (e) {
    if (!isCancellation(e)) errors.set('step4', errorMessage(e));
  } finally {
    busy.delete('files');
    render();
  }
}
