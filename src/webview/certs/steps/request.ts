/** Step 2 (browser side): the request form, Generate, the CSR and how to submit it. */
import { errorMessage, isCancellation } from '../../../core/errors';
import { h, icon, type Child } from '../../shared/dom';
import { busy, client, errors, m, render, t } from '../model';
import { section } from '../frame';
import { banner, button, codeblock, el, textfield } from '../widgets';

/** The api route: the host makes the key and the CSR; only the CSR comes here. */
function hostCsrControls(body: Child[]): void {
  body.push(h('div', { class: 'route-note', id: 'csr-on-host' }, icon('server', 'ico-info'), h('div', {}, t('csrOnHostIntro'))));
  const ip = el('vscode-checkbox', { id: 'use-ip-cn', ...(m.useIpCn ? { checked: true } : {}) }, t('useIpCn')) as HTMLElement & { checked: boolean };
  ip.addEventListener('change', () => { m.useIpCn = ip.checked; });
  body.push(h('div', { class: 'actions' },
    button(busy.has('generate') ? t('generating') : t('hostCsr'), () => void doHostCsr(), { icon: 'server', disabled: busy.has('generate'), id: 'host-csr', ...(m.request ? { secondary: true } : {}) }),
    ip, busy.has('generate') ? el('vscode-progress-ring') : null));
}

export function requestStep(): HTMLElement {
  const body: Child[] = [];
  if (m.snap!.route.csrOnServer) {
    hostCsrControls(body);
    requestResult(body);
    return section(2, t('requestIntro'), ...body);
  }
  const bits = el('vscode-single-select', { id: 'bits' }) as HTMLElement & { value: string };
  for (const b of ['2048', '3072', '4096']) bits.append(el('vscode-option', { value: b, ...(String(m.form.bits) === b ? { selected: true } : {}) }, `${b}-bit RSA`));
  bits.addEventListener('change', () => { m.formTouched = true; m.form = { ...m.form, bits: Number(bits.value) as 2048 }; });
  const store = h('div', { class: 'segmented', role: 'group', 'aria-label': t('keyStore') });
  for (const [k, label] of [['secret', t('keySecret')], ['file', t('keyFile')]] as const) {
    const b = h('button', { type: 'button', id: `store-${k}`, 'aria-pressed': m.keyStore === k ? 'true' : 'false' }, label);
    b.addEventListener('click', () => { m.keyStore = k; render(); });
    store.append(b);
  }
  body.push(h('div', { class: 'form' },
    h('div', { class: 'field' }, h('label', { for: 'bits' }, t('keySize')), bits),
    textfield('cn', t('cn'), m.form.cn, (v) => { m.formTouched = true; m.form = { ...m.form, cn: v }; }),
    textfield('sans', t('sanList'), m.form.sans.join(', '), (v) => { m.formTouched = true; m.form = { ...m.form, sans: v.split(/[,\s]+/).filter(Boolean) }; }, { wide: true }),
    textfield('o', t('o'), m.form.o ?? '', (v) => { m.formTouched = true; m.form = { ...m.form, o: v }; }),
    textfield('ou', t('ou'), m.form.ou ?? '', (v) => { m.formTouched = true; m.form = { ...m.form, ou: v }; }),
    textfield('l', t('l'), m.form.l ?? '', (v) => { m.formTouched = true; m.form = { ...m.form, l: v }; }),
    textfield('st', t('st'), m.form.st ?? '', (v) => { m.formTouched = true; m.form = { ...m.form, st: v }; }),
    textfield('c', t('c'), m.form.c ?? '', (v) => { m.formTouched = true; m.form = { ...m.form, c: v }; }),
    h('div', { class: 'field wide' }, h('span', { class: 'label' }, t('keyStore')), h('div', {}, store))));
  body.push(h('div', { class: 'actions' },
    button(busy.has('generate') ? t('generating') : m.request ? t('regenerate') : t('generate'), () => void doGenerate(), { icon: 'key', disabled: busy.has('generate'), id: 'generate', ...(m.request ? { secondary: true } : {}) }),
    busy.has('generate') ? el('vscode-progress-ring') : null));
  requestResult(body);
  return section(2, t('requestIntro'), ...body);
}

/** The CSR made (here or on the host) and how to submit it. */
function requestResult(body: Child[]): void {
  if (m.request) {
    const ins = m.instructions ?? m.request.instructions;
    body.push(
      h('h3', {}, t('csr')),
      h('p', { class: 'muted' }, `${m.request.subject} · ${m.request.bits}-bit · ${t('keyIn', m.request.keyLocation.kind === 'secret' ? t('keyInSecret') : m.request.keyLocation.kind === 'host' ? t('keyOnHost') : m.request.keyLocation.path)}`),
      !m.request.keyAvailable ? banner('warning', t('keyMissing')) : null,
      codeblock(m.request.csrPem, 'csr'),
      h('div', { class: 'form' }, textfield('template', t('template'), ins.template, (v) => { void client.request('instructions', { template: v }).then((r) => { m.instructions = r; updateCertreq(); }); })),
      h('h3', {}, t('certreq')),
      h('div', { id: 'certreq-block' }, codeblock(ins.submitCommand, 'certreq')),
      ins.submitWithSanCommand ? h('div', {}, h('div', { class: 'label' }, t('certreqSan')), h('div', { id: 'certreq-san-block' }, codeblock(ins.submitWithSanCommand, 'certreq-san'))) : null,
      h('h3', {}, t('webEnrollment')),
      h('ol', { class: 'plain' }, ...ins.webEnrollmentSteps.map((s) => h('li', {}, s))),
      h('details', { class: 'more' }, h('summary', {}, t('pending')), h('ol', { class: 'plain' }, ...ins.pendingSteps.map((s) => h('li', {}, s)))),
      h('details', { class: 'more' }, h('summary', {}, t('notes')), h('ul', {}, ...ins.notes.map((s) => h('li', {}, s)))),
    );
  }
}

function updateCertreq(): void {
  if (!m.instructions) return;
  document.getElementById('certreq-block')?.replaceChildren(codeblock(m.instructions.submitCommand, 'certreq'));
  if (m.instructions.submitWithSanCommand) document.getElementById('certreq-san-block')?.replaceChildren(codeblock(m.instructions.submitWithSanCommand, 'certreq-san'));
}

/** A new request (made here or on the host): the step's busy state, its result, its error in words. */
async function makeRequest(call: () => Promise<NonNullable<typeof m.request>>): Promise<void> {
  busy.add('generate');
  errors.delete('step2');
  render();
  try {
    m.request = await call();
    m.form = m.request.form;
    m.instructions = m.request.instructions;
    m.imported = undefined;
  } catch (e) {
    if (!isCancellation(e)) errors.set('step2', errorMessage(e));
  } finally {
    busy.delete('generate');
    render();
  }
}

function doHostCsr(): Promise<void> {
  return makeRequest(() => client.request('hostCsr', { useIp: m.useIpCn === true }));
}

function doGenerate(): Promise<void> {
  return makeRequest(() => client.request('generate', { form: m.form, store: m.keyStore, ...(m.instructions ? { template: m.instructions.template } : {}) }));
}
