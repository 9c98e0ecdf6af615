/**
 * Certificate wizard (browser side): five steps — inspect, request, import & verify, files, deploy
 * (or the vCenter checklist). Built with DOM calls and @vscode-elements; styles through a constructed
 * style sheet (allowed by the CSP). The panel state saved for restore is the host's identifiers only.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { PanelClient } from '../shared/rpc';
import { adoptStyles, h, icon, type Child } from '../shared/dom';

adoptStyles(css);
import type {
  CaInstructionsView, CertWizardProtocol, CertWizardState, DeployView, FilesView, HostKeyView, ImportView,
  InspectionView, PickedFile, RequestForm, RequestView, StepView, WizardSnapshot,
} from './protocol';
import { css } from './styles';


const client = new PanelClient<CertWizardProtocol, CertWizardState>();
const app = document.getElementById('app')!;

// ---------------------------------------------------------------- model
let snap: WizardSnapshot | undefined;
let state: CertWizardState;
let inspection: InspectionView | undefined;
let inspectError: string | undefined;
let request: RequestView | undefined;
let form: RequestForm;
let keyStore: 'secret' | 'file' = 'secret';
let formTouched = false;
let instructions: CaInstructionsView | undefined;
let imported: ImportView | undefined;
let certInput: PickedFile | { name: string; text: string } | undefined;
let certPaste = '';
let chainInputs: PickedFile[] = [];
let chainPaste = '';
let files: FilesView | undefined;
let pfxPassword = 'testpassword';
let ssh = { sshHost: '', sshPort: 22, user: 'root', password: '', savePassword: false };
let hostKey: HostKeyView | undefined;
let deploySteps: StepView[] = [];
let deployResult: DeployView | undefined;
const busy = new Set<string>();
const errors = new Map<string, string>();

function t(key: string, ...args: string[]): string {
  const s = snap?.strings[key] ?? key;
  return s.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');
}

// ---------------------------------------------------------------- DOM helpers
function el(tag: string, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== undefined && c !== false && c !== null) e.append(c);
  return e;
}
function button(label: string, onClick: () => void, opts: { secondary?: boolean; disabled?: boolean; icon?: string; id?: string } = {}): HTMLElement {
  const b = el('vscode-button', { ...(opts.secondary ? { secondary: true } : {}), ...(opts.disabled ? { disabled: true } : {}), ...(opts.icon ? { icon: opts.icon } : {}), ...(opts.id ? { id: opts.id } : {}) }, label);
  b.addEventListener('click', () => { if (!(b as HTMLElement & { disabled?: boolean }).disabled) onClick(); });
  return b;
}
function textfield(id: string, label: string, value: string, onInput: (v: string) => void, opts: { type?: string; placeholder?: string; wide?: boolean } = {}): HTMLElement {
  const f = el('vscode-textfield', { id, ...(opts.type ? { type: opts.type } : {}), ...(opts.placeholder ? { placeholder: opts.placeholder } : {}) }) as HTMLElement & { value: string };
  f.value = value;
  f.addEventListener('input', () => onInput(f.value));
  return h('div', { class: `field${opts.wide ? ' wide' : ''}` }, h('label', { for: id }, label), f);
}
function codeblock(text: string, id: string): HTMLElement {
  return h('div', { class: 'codeblock' }, h('pre', { id }, text), copyButton(text));
}
function copyButton(text: string): HTMLElement {
  const b = button(t('copy'), () => {
    void client.request('copy', { text }).then(() => { b.textContent = t('copied'); setTimeout(() => (b.textContent = t('copy')), 1500); });
  }, { secondary: true, icon: 'copy' });
  b.setAttribute('aria-label', t('copy'));
  return b;
}
function banner(kind: 'ok' | 'error' | 'warning', text: string, extra?: Child): HTMLElement {
  const ic = kind === 'ok' ? icon('pass-filled', 'ico-ok') : kind === 'error' ? icon('error', 'ico-error') : icon('warning', 'ico-warning');
  return h('div', { class: `banner b-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ic, h('div', {}, h('div', {}, text), extra));
}
function fmtDate(iso: string): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : '';
}

// ---------------------------------------------------------------- step status
type Status = 'done' | 'todo' | 'problem';
function stepStatus(n: number): Status {
  switch (n) {
    case 1: return inspection ? (inspection.worst === 'error' || inspection.worst === 'warning' ? 'problem' : 'done') : 'todo';
    case 2: return request ? (request.keyAvailable ? 'done' : 'problem') : 'todo';
    case 3: return imported ? (imported.ok ? 'done' : 'problem') : 'todo';
    case 4: return files ? 'done' : 'todo';
    case 5: return state.kind === 'vcenter' ? 'todo' : deployResult ? (deployResult.ok ? 'done' : 'problem') : 'todo';
    default: return 'todo';
  }
}
const STEP_KEYS = ['step1', 'step2', 'step3', 'step4', 'step5esx'];
function stepName(n: number): string {
  return n === 5 && state.kind === 'vcenter' ? t('step5vc') : t(STEP_KEYS[n - 1]);
}

function go(step: number): void {
  state = { ...state, step };
  client.saveState(state);
  void client.request('setStep', { step });
  render();
  (document.querySelector('section.step h2') as HTMLElement | null)?.focus();
}

// ---------------------------------------------------------------- render
function render(): void {
  if (!snap) return;
  const focusedId = document.activeElement?.id;
  app.replaceChildren(h('div', { class: 'wizard' }, header(), nav(), h('main', {}, stepSection())));
  app.removeAttribute('aria-busy');
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function header(): HTMLElement {
  const seg = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Target' });
  for (const [kind, label] of [['esx', t('targetEsx')], ['vcenter', t('targetVcenter')]] as const) {
    const b = h('button', { type: 'button', 'aria-pressed': state.kind === kind ? 'true' : 'false', id: `kind-${kind}` }, label);
    b.addEventListener('click', () => {
      state = { ...state, kind };
      client.saveState(state);
      void client.request('setKind', { kind });
      render();
    });
    seg.append(b);
  }
  return h('header', { class: 'top' },
    h('div', {}, h('h1', {}, t('title', snap!.label)), snap!.connectionLabel ? h('div', { class: 'sub' }, t('connection', snap!.connectionLabel)) : null),
    seg);
}

function nav(): HTMLElement {
  const ol = h('ol', {});
  for (let n = 1; n <= 5; n++) {
    const st = stepStatus(n);
    const b = h('button', { type: 'button', id: `nav-${n}`, 'data-status': st, ...(state.step === n ? { 'aria-current': 'step' } : {}) },
      h('span', { class: `num ${st === 'done' ? 'done' : st === 'problem' ? 'problem' : ''}` }, st === 'done' ? icon('check') : String(n)),
      h('span', { class: 'name' }, stepName(n)),
      h('span', { class: 'state' }, st === 'done' ? t('stepDone') : st === 'problem' ? t('stepProblem') : t('stepTodo')));
    b.addEventListener('click', () => go(n));
    b.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' && n < 5) { e.preventDefault(); document.getElementById(`nav-${n + 1}`)?.focus(); }
      if (e.key === 'ArrowUp' && n > 1) { e.preventDefault(); document.getElementById(`nav-${n - 1}`)?.focus(); }
    });
    ol.append(h('li', {}, b));
  }
  return h('nav', { class: 'steps', 'aria-label': 'Steps' }, ol);
}

function section(n: number, intro: string, ...body: Child[]): HTMLElement {
  const err = errors.get(`step${n}`);
  const nextButton = n < 5 ? button(`${t('next')}: ${stepName(n + 1)}`, () => go(n + 1), { secondary: true, icon: 'arrow-right', id: `next-${n}` }) : null;
  const last = body[body.length - 1];
  let next: HTMLElement | null = null;
  if (nextButton) {
    if (last instanceof HTMLElement && last.classList.contains('actions')) last.append(h('span', { class: 'spacer' }), nextButton);
    else next = h('div', { class: 'actions' }, nextButton);
  }
  return h('section', { class: 'step', id: `step-${n}`, 'aria-labelledby': `step-${n}-title` },
    h('h2', { id: `step-${n}-title`, tabindex: '-1' }, `${n}. ${stepName(n)}`),
    h('p', { class: 'intro' }, intro),
    err ? banner('error', err) : null,
    ...body, next);
}

function stepSection(): HTMLElement {
  switch (state.step) {
    case 2: return requestStep();
    case 3: return importStep();
    case 4: return filesStep();
    case 5: return state.kind === 'vcenter' ? checklistStep() : deployStep();
    default: return inspectStep();
  }
}

// ---------------------------------------------------------------- 1 inspect
function keyText(k: { type: string; bits?: number; curve?: string }): string {
  return k.type === 'ec' ? `EC ${k.curve ?? ''}` : `${k.type.toUpperCase()} ${k.bits ?? '?'}-bit`;
}
function inspectStep(): HTMLElement {
  const body: Child[] = [];
  if (busy.has('inspect')) body.push(h('div', { class: 'row' }, el('vscode-progress-ring'), t('inspecting')));
  if (inspectError) body.push(banner('error', inspectError));
  if (inspection) {
    const leaf = inspection.chain[0];
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
    row(t('chain'), h('ol', { class: 'chainlist' }, ...inspection.chain.map((c) => h('li', {}, c.subject.commonName ?? c.subject.text, c.isSelfSigned ? h('span', { class: 'muted' }, ` (${t('selfSigned')})`) : null))));
    row(t('trusted'), inspection.trust.authorized ? t('yes') : `${t('no')} (${inspection.trust.error ?? ''})`);
    body.push(dl, h('h3', {}, t('findings')));
    if (!inspection.findings.length) body.push(banner('ok', t('noFindings')));
    else {
      const ul = h('ul', { class: 'findings', id: 'findings' });
      const order = { error: 0, warning: 1, info: 2 } as const;
      for (const f of [...inspection.findings].sort((a, b) => order[a.severity] - order[b.severity])) {
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

async function doInspect(): Promise<void> {
  busy.add('inspect');
  inspectError = undefined;
  render();
  try {
    inspection = await client.request('inspect', {});
    if (!request && !formTouched) form = inspection.suggested;
  } catch (e) {
    inspectError = (e as Error).message;
  } finally {
    busy.delete('inspect');
    render();
  }
}

// ---------------------------------------------------------------- 2 request
function requestStep(): HTMLElement {
  const body: Child[] = [];
  const bits = el('vscode-single-select', { id: 'bits' }) as HTMLElement & { value: string };
  for (const b of ['2048', '3072', '4096']) bits.append(el('vscode-option', { value: b, ...(String(form.bits) === b ? { selected: true } : {}) }, `${b}-bit RSA`));
  bits.addEventListener('change', () => { formTouched = true; form = { ...form, bits: Number(bits.value) as 2048 }; });
  const store = h('div', { class: 'segmented', role: 'group', 'aria-label': t('keyStore') });
  for (const [k, label] of [['secret', t('keySecret')], ['file', t('keyFile')]] as const) {
    const b = h('button', { type: 'button', id: `store-${k}`, 'aria-pressed': keyStore === k ? 'true' : 'false' }, label);
    b.addEventListener('click', () => { keyStore = k; render(); });
    store.append(b);
  }
  body.push(h('div', { class: 'form' },
    h('div', { class: 'field' }, h('label', { for: 'bits' }, t('keySize')), bits),
    textfield('cn', t('cn'), form.cn, (v) => { formTouched = true; form = { ...form, cn: v }; }),
    textfield('sans', t('sanList'), form.sans.join(', '), (v) => { formTouched = true; form = { ...form, sans: v.split(/[,\s]+/).filter(Boolean) }; }, { wide: true }),
    textfield('o', t('o'), form.o ?? '', (v) => { formTouched = true; form = { ...form, o: v }; }),
    textfield('ou', t('ou'), form.ou ?? '', (v) => { formTouched = true; form = { ...form, ou: v }; }),
    textfield('l', t('l'), form.l ?? '', (v) => { formTouched = true; form = { ...form, l: v }; }),
    textfield('st', t('st'), form.st ?? '', (v) => { formTouched = true; form = { ...form, st: v }; }),
    textfield('c', t('c'), form.c ?? '', (v) => { formTouched = true; form = { ...form, c: v }; }),
    h('div', { class: 'field wide' }, h('span', { class: 'label' }, t('keyStore')), h('div', {}, store))));
  body.push(h('div', { class: 'actions' },
    button(busy.has('generate') ? t('generating') : request ? t('regenerate') : t('generate'), () => void doGenerate(), { icon: 'key', disabled: busy.has('generate'), id: 'generate', ...(request ? { secondary: true } : {}) }),
    busy.has('generate') ? el('vscode-progress-ring') : null));
  if (request) {
    const ins = instructions ?? request.instructions;
    body.push(
      h('h3', {}, t('csr')),
      h('p', { class: 'muted' }, `${request.subject} · ${request.bits}-bit · ${t('keyIn', request.keyLocation.kind === 'secret' ? t('keyInSecret') : request.keyLocation.path)}`),
      !request.keyAvailable ? banner('warning', t('keyMissing')) : null,
      codeblock(request.csrPem, 'csr'),
      h('div', { class: 'form' }, textfield('template', t('template'), ins.template, (v) => { void client.request('instructions', { template: v }).then((r) => { instructions = r; updateCertreq(); }); })),
      h('h3', {}, t('certreq')),
      h('div', { id: 'certreq-block' }, codeblock(ins.submitCommand, 'certreq')),
      ins.submitWithSanCommand ? h('div', {}, h('div', { class: 'label' }, t('certreqSan')), h('div', { id: 'certreq-san-block' }, codeblock(ins.submitWithSanCommand, 'certreq-san'))) : null,
      h('h3', {}, t('webEnrollment')),
      h('ol', { class: 'plain' }, ...ins.webEnrollmentSteps.map((s) => h('li', {}, s))),
      h('details', { class: 'more' }, h('summary', {}, t('pending')), h('ol', { class: 'plain' }, ...ins.pendingSteps.map((s) => h('li', {}, s)))),
      h('details', { class: 'more' }, h('summary', {}, t('notes')), h('ul', {}, ...ins.notes.map((s) => h('li', {}, s)))),
    );
  }
  return section(2, t('requestIntro'), ...body);
}

function updateCertreq(): void {
  if (!instructions) return;
  document.getElementById('certreq-block')?.replaceChildren(codeblock(instructions.submitCommand, 'certreq'));
  if (instructions.submitWithSanCommand) document.getElementById('certreq-san-block')?.replaceChildren(codeblock(instructions.submitWithSanCommand, 'certreq-san'));
}

async function doGenerate(): Promise<void> {
  busy.add('generate');
  errors.delete('step2');
  render();
  try {
    request = await client.request('generate', { form, store: keyStore, ...(instructions ? { template: instructions.template } : {}) });
    form = request.form;
    instructions = request.instructions;
    imported = undefined;
  } catch (e) {
    if ((e as Error).message && !/cancel/i.test((e as Error).message)) errors.set('step2', (e as Error).message);
  } finally {
    busy.delete('generate');
    render();
  }
}

// ---------------------------------------------------------------- 3 import & verify
function importStep(): HTMLElement {
  const body: Child[] = [];
  if (!request) body.push(banner('warning', t('needRequest')));
  const certArea = el('vscode-textarea', { id: 'cert-paste', rows: '5', placeholder: '-----BEGIN CERTIFICATE-----', 'aria-label': t('pasteHere') }) as HTMLElement & { value: string };
  certArea.value = certPaste;
  certArea.addEventListener('input', () => { certPaste = certArea.value; });
  const chainArea = el('vscode-textarea', { id: 'chain-paste', rows: '4', placeholder: '-----BEGIN CERTIFICATE-----', 'aria-label': t('pasteHere') }) as HTMLElement & { value: string };
  chainArea.value = chainPaste;
  chainArea.addEventListener('input', () => { chainPaste = chainArea.value; });
  body.push(
    h('h3', {}, t('certificate')),
    h('div', { class: 'actions' }, button(t('pick'), () => void pick('cert'), { secondary: true, icon: 'folder-opened', id: 'pick-cert' }), certInput && 'base64' in certInput ? h('span', { class: 'mono' }, certInput.name) : null),
    h('div', { class: 'label' }, t('pasteHere')), certArea,
    h('h3', {}, t('caChain')),
    h('div', { class: 'actions' }, button(t('pick'), () => void pick('chain'), { secondary: true, icon: 'folder-opened', id: 'pick-chain' }), chainInputs.length ? h('span', { class: 'mono' }, chainInputs.map((c) => c.name).join(', ')) : null),
    h('div', { class: 'label' }, t('pasteHere')), chainArea,
    h('div', { class: 'actions' }, button(busy.has('verify') ? t('verifying') : t('verify'), () => void doVerify(), { icon: 'verified', disabled: busy.has('verify') || !request, id: 'verify' })),
  );
  if (imported) {
    if (imported.error) body.push(banner('error', imported.error));
    else {
      const dl = h('dl', { class: 'facts', id: 'verify-result' });
      const row = (k: string, v: Child): void => { dl.append(h('dt', {}, k), h('dd', {}, v)); };
      row(t('certificate'), `${imported.subject}  (${imported.certName}${imported.chainNames.length ? ` + ${imported.chainNames.join(', ')}` : ''})`);
      row(t('issuer'), imported.issuer);
      row(t('chain'), imported.path.join(' → '));
      row(t('validity'), `${fmtDate(imported.notBefore)} → ${fmtDate(imported.notAfter)}`);
      row(t('newThumb'), h('span', { class: 'thumb', id: 'new-sha256' }, imported.sha256));
      body.push(dl);
      const ul = h('ul', { class: 'checks', id: 'checks' });
      const ic = { pass: ['pass-filled', 'ico-ok'], warn: ['warning', 'ico-warning'], fail: ['error', 'ico-error'], skipped: ['circle-slash', 'ico-muted'] } as const;
      for (const c of imported.checks) {
        ul.append(h('li', { class: `st-${c.status}`, 'data-check': c.id, 'data-status': c.status },
          icon(ic[c.status][0], ic[c.status][1]),
          h('div', {}, h('span', { class: 'title' }, c.title), ' — ', c.message,
            c.details.length ? h('ul', { class: 'details' }, ...c.details.map((d) => h('li', {}, d))) : null)));
      }
      body.push(ul, imported.ok ? banner('ok', t('readyToDeploy')) : banner('error', t('notReady')));
    }
  }
  return section(3, t('importIntro'), ...body);
}

async function pick(purpose: 'cert' | 'chain'): Promise<void> {
  const picked = await client.request('pickFile', { purpose });
  if (!picked.length) return;
  if (purpose === 'cert') certInput = picked[0];
  else chainInputs = picked;
  render();
}

async function doVerify(): Promise<void> {
  const cert = certPaste.trim() ? { name: 'PEM', text: certPaste } : certInput;
  if (!cert) return;
  const chain: (PickedFile | { name: string; text: string })[] = [...chainInputs];
  if (chainPaste.trim()) chain.push({ name: 'PEM', text: chainPaste });
  busy.add('verify');
  errors.delete('step3');
  render();
  try {
    imported = await client.request('verify', { cert, chain });
  } catch (e) {
    errors.set('step3', (e as Error).message);
  } finally {
    busy.delete('verify');
    render();
    document.getElementById('verify-result')?.scrollIntoView({ block: 'start' });
  }
}

// ---------------------------------------------------------------- 4 files
function filesStep(): HTMLElement {
  const body: Child[] = [];
  if (!imported?.ok) body.push(banner('warning', t('needImport')));
  body.push(h('div', { class: 'form' }, textfield('pfx-password', t('pfxPassword'), pfxPassword, (v) => { pfxPassword = v; })));
  body.push(h('div', { class: 'actions' }, button(t('writeFiles'), () => void doWriteFiles(), { icon: 'save', disabled: !imported?.ok || busy.has('files'), id: 'write-files' })));
  if (files) {
    body.push(banner('ok', t('written', files.folder)),
      h('ul', { class: 'files', id: 'files' }, ...files.files.map((f) => h('li', {}, icon('file'), ' ', h('span', { class: 'mono' }, f.path), h('span', { class: 'muted' }, ` — ${f.description}`)))));
  }
  return section(4, t('filesIntro'), ...body);
}

async function doWriteFiles(): Promise<void> {
  busy.add('files');
  errors.delete('step4');
  try {
    const r = await client.request('writeFiles', { pfxPassword });
    if (r) files = r;
  } catch (e) {
    if (!/cancel/i.test((e as Error).message)) errors.set('step4', (e as Error).message);
  } finally {
    busy.delete('files');
    render();
  }
}

// ---------------------------------------------------------------- 5 deploy (ESX(i))
function deployStep(): HTMLElement {
  const body: Child[] = [];
  if (!imported?.ok) body.push(banner('warning', t('needImport')));
  const pw = el('vscode-textfield', { id: 'ssh-password', type: 'password', placeholder: snap!.ssh.passwordStored ? t('passwordStored') : '' }) as HTMLElement & { value: string };
  pw.value = ssh.password;
  pw.addEventListener('input', () => {
    ssh.password = pw.value;
    const d = document.getElementById('deploy') as (HTMLElement & { disabled: boolean }) | null;
    if (d) d.disabled = !deployReady();
  });
  const save = el('vscode-checkbox', { id: 'save-password', ...(ssh.savePassword ? { checked: true } : {}) }, t('savePassword')) as HTMLElement & { checked: boolean };
  save.addEventListener('change', () => { ssh.savePassword = save.checked; });
  body.push(h('div', { class: 'form' },
    textfield('ssh-host', t('sshHost'), ssh.sshHost, (v) => { ssh.sshHost = v; hostKey = undefined; }),
    textfield('ssh-port', t('sshPort'), String(ssh.sshPort), (v) => { ssh.sshPort = Number(v) || 22; hostKey = undefined; }),
    textfield('ssh-user', t('sshUser'), ssh.user, (v) => { ssh.user = v; }),
    h('div', { class: 'field' }, h('label', { for: 'ssh-password' }, t('sshPassword')), pw),
    h('div', { class: 'field wide' }, h('div', { class: 'row' }, save, snap!.ssh.passwordStored ? button(t('forgetPassword'), () => void client.request('forgetPassword', { sshHost: ssh.sshHost }).then(reload), { secondary: true, id: 'forget-password' }) : null))));
  // host key
  const pinned = isPinned();
  const hk = h('div', { class: 'hostkey', id: 'hostkey' });
  if (hostKey) {
    const msg = hostKey.status === 'pinned' ? t('hostKeyPinned') : hostKey.status === 'changed' ? t('hostKeyChanged') : t('hostKeyUnknown');
    const ic = hostKey.status === 'pinned' ? icon('pass-filled', 'ico-ok') : hostKey.status === 'changed' ? icon('error', 'ico-error') : icon('key', 'ico-info');
    hk.append(h('div', { class: 'keyline' }, ic, h('span', {}, msg)), h('div', { class: 'thumb' }, `${hostKey.keyType ?? ''} ${hostKey.fingerprint}`));
    if (hostKey.status === 'changed') hk.append(h('div', { class: 'thumb muted' }, `pinned: ${hostKey.pinned}`));
    if (hostKey.status !== 'pinned') hk.append(h('div', { class: 'actions' }, button(t('pin'), () => void doPin(), { icon: 'pinned', id: 'pin-host-key' })));
  } else if (pinned) {
    hk.append(h('div', { class: 'keyline' }, icon('pass-filled', 'ico-ok'), h('span', {}, t('hostKeyPinned'))), h('div', { class: 'thumb' }, snap!.ssh.pinnedHostKey!));
  }
  body.push(h('div', { class: 'actions' }, button(t('checkHostKey'), () => void doHostKey(), { secondary: true, icon: 'key', id: 'check-host-key', disabled: busy.has('hostkey') })), hk.childNodes.length ? hk : null);
  body.push(h('div', { class: 'actions' },
    button(busy.has('deploy') ? t('deploying') : t('deploy'), () => void doDeploy(), { icon: 'cloud-upload', id: 'deploy', disabled: !deployReady() }),
    busy.has('deploy') ? el('vscode-progress-ring') : null));
  if (deployResult) {
    body.push(h('div', { id: 'deploy-result' }));
    if (deployResult.ok) {
      body.push(banner('ok', t('deployOk'), h('div', {},
        h('div', { class: 'thumb' }, `${t('liveThumb')}: ${deployResult.liveSha256 ?? ''}`),
        deployResult.connectionPinUpdated ? h('div', {}, t('pinUpdated')) : null)));
    } else {
      body.push(banner('error', deployResult.error ?? t('deployFailed'),
        deployResult.rolledBack && !deployResult.previousCertServed ? h('div', {}, t('rollbackIncomplete')) : null));
    }
  }
  if (deploySteps.length) body.push(progressList(deploySteps));
  return section(5, t('deployIntro'), ...body);
}

function isPinned(): boolean {
  return hostKey ? hostKey.status === 'pinned' : !!snap!.ssh.pinnedHostKey && snap!.ssh.sshHost === ssh.sshHost && snap!.ssh.sshPort === ssh.sshPort;
}

function deployReady(): boolean {
  return !busy.has('deploy') && !!imported?.ok && isPinned() && (!!ssh.password || snap!.ssh.passwordStored);
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
    hostKey = await client.request('hostKey', { sshHost: ssh.sshHost, sshPort: ssh.sshPort });
  } catch (e) {
    errors.set('step5', (e as Error).message);
  } finally {
    busy.delete('hostkey');
    render();
  }
}

async function doPin(): Promise<void> {
  if (!hostKey) return;
  await client.request('pinHostKey', { sshHost: hostKey.sshHost, sshPort: hostKey.sshPort, fingerprint: hostKey.fingerprint });
  hostKey = { ...hostKey, pinned: hostKey.fingerprint, status: 'pinned' };
  await reload();
}

async function doDeploy(): Promise<void> {
  busy.add('deploy');
  errors.delete('step5');
  deploySteps = [];
  deployResult = undefined;
  render();
  try {
    const r = await client.request('deploy', { sshHost: ssh.sshHost, sshPort: ssh.sshPort, user: ssh.user, ...(ssh.password ? { password: ssh.password } : {}), savePassword: ssh.savePassword });
    if (r) {
      deployResult = r;
      deploySteps = [...r.steps];
      if (r.ok) {
        ssh.password = '';
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

client.on('deployStep', (s) => {
  const i = deploySteps.findIndex((x) => x.id === s.id && x.phase === s.phase);
  if (i >= 0) deploySteps[i] = s; else deploySteps.push(s);
  if (state.step === 5) {
    const list = document.getElementById('deploy-steps');
    const fresh = progressList(deploySteps);
    if (list) list.replaceWith(fresh); else render();
  }
});

// ---------------------------------------------------------------- 5 vCenter checklist
function checklistStep(): HTMLElement {
  const ol = h('ol', { class: 'checklist', id: 'checklist' });
  for (const item of snap!.checklist) {
    ol.append(h('li', {}, h('strong', {}, item.title), h('div', {}, item.detail),
      item.command ? codeblock(item.command, '') : null,
      item.source ? h('div', { class: 'src' }, item.source) : null));
  }
  return section(5, t('checklistIntro'), ol);
}

// ---------------------------------------------------------------- start
async function reload(): Promise<void> {
  snap = await client.request('load', {});
  state = { ...snap.state, step: state?.step ?? snap.state.step, kind: state?.kind ?? snap.state.kind };
  client.saveState(state);
  request = snap.request;
  if (!form || !request) form = snap.defaults;
  if (request) form = request.form;
  if (snap.imported && !imported) imported = snap.imported;
  if (!ssh.sshHost) ssh = { ...ssh, sshHost: snap.ssh.sshHost, sshPort: snap.ssh.sshPort, user: snap.ssh.user };
  pfxPassword = snap.pfxPassword;
  render();
}

void client.initialized.then(async ({ state: s }) => {
  state = s;
  client.saveState(state);
  try {
    await reload();
    await doInspect();
  } catch (e) {
    app.replaceChildren(banner('error', (e as Error).message));
    app.removeAttribute('aria-busy');
  }
});
