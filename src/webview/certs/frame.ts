/** The frame around the steps: title and target switch, the step list with each step's status, a step's section. */
import { h, icon, type Child } from '../shared/dom';
import { client, errors, m, reload, render, t } from './model';
import { banner, button } from './widgets';

type Status = 'done' | 'todo' | 'problem';
function stepStatus(n: number): Status {
  switch (n) {
    case 1: return m.inspection ? (m.inspection.worst === 'error' || m.inspection.worst === 'warning' ? 'problem' : 'done') : 'todo';
    case 2: return m.request ? (m.request.keyAvailable ? 'done' : 'problem') : 'todo';
    case 3: return m.imported ? (m.imported.ok ? 'done' : 'problem') : 'todo';
    case 4: return m.files ? 'done' : 'todo';
    case 5: return m.snap!.route.method === 'windows-checklist' ? 'todo' : m.deployResult ? (m.deployResult.ok ? 'done' : 'problem') : 'todo';
    default: return 'todo';
  }
}
const STEP_KEYS = ['step1', 'step2', 'step3', 'step4', 'step5esx'];
export function stepName(n: number): string {
  if (n === 5 && m.snap?.route) {
    const method = m.snap.route.method;
    return method === 'windows-checklist' ? t('step5vc') : method.startsWith('ssh') ? t('step5esx') : t('step5route');
  }
  return n === 5 && m.state.kind === 'vcenter' ? t('step5vc') : t(STEP_KEYS[n - 1]);
}

export function go(step: number): void {
  m.state = { ...m.state, step };
  client.saveState(m.state);
  void client.request('setStep', { step });
  render();
  (document.querySelector('section.step h2') as HTMLElement | null)?.focus();
}

export function header(): HTMLElement {
  const seg = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Target' });
  for (const [kind, label] of [['esx', t('targetEsx')], ['vcenter', t('targetVcenter')]] as const) {
    const b = h('button', { type: 'button', 'aria-pressed': m.state.kind === kind ? 'true' : 'false', id: `kind-${kind}` }, label);
    b.addEventListener('click', () => {
      m.state = { ...m.state, kind };
      client.saveState(m.state);
      // The route depends on the kind (a vCenter's differs from a host's): the host reads it again.
      void client.request('setKind', { kind }).then(reload);
      render();
    });
    seg.append(b);
  }
  return h('header', { class: 'top' },
    h('div', {}, h('h1', {}, t('title', m.snap!.label)), m.snap!.connectionLabel ? h('div', { class: 'sub' }, t('connection', m.snap!.connectionLabel)) : null,
      h('div', { class: 'sub', id: 'route-line' }, t('routeTitle', t(`route_${m.snap!.route.method}`)), m.snap!.route.generation ? ` · ${m.snap!.route.generation}` : '')),
    seg);
}

export function nav(): HTMLElement {
  const ol = h('ol', {});
  for (let n = 1; n <= 5; n++) {
    const st = stepStatus(n);
    const b = h('button', { type: 'button', id: `nav-${n}`, 'data-status': st, ...(m.state.step === n ? { 'aria-current': 'step' } : {}) },
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

export function section(n: number, intro: string, ...body: Child[]): HTMLElement {
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
