/**
 * Certificate wizard (browser side): five steps — inspect, request, import & verify, files, deploy
 * (or the vCenter checklist), one module each under steps/, over the state in model.ts; frame.ts draws
 * the title, the step list and a step's section. Built with DOM calls and @vscode-elements; styles
 * through a constructed style sheet (allowed by the CSP). The panel state saved for restore is the
 * host's identifiers only.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { adoptStyles, h } from '../shared/dom';
import { header, nav } from './frame';
import { client, m, reload, setRenderer } from './model';
import { checklistStep } from './steps/checklist';
import { deployStep, onDeployStep } from './steps/deploy';
import { filesStep } from './steps/files';
import { importStep } from './steps/importVerify';
import { doInspect, inspectStep } from './steps/inspect';
import { requestStep } from './steps/request';
import { css } from './styles';
import { banner } from './widgets';

adoptStyles(css);
const app = document.getElementById('app')!;

function stepSection(): HTMLElement {
  switch (m.state.step) {
    case 2: return requestStep();
    case 3: return importStep();
    case 4: return filesStep();
    case 5: return m.snap!.route.method === 'windows-checklist' ? checklistStep() : deployStep();
    default: return inspectStep();
  }
}

setRenderer(() => {
  if (!m.snap) return;
  const focusedId = document.activeElement?.id;
  app.replaceChildren(h('div', { class: 'wizard' }, header(), nav(), h('main', {}, stepSection())));
  app.removeAttribute('aria-busy');
  if (focusedId) document.getElementById(focusedId)?.focus();
});

client.on('deployStep', onDeployStep);

void client.initialized.then(async ({ state: s }) => {
  m.state = s;
  client.saveState(m.state);
  try {
    await reload();
    await doInspect();
  } catch (e) {
    app.replaceChildren(banner('error', (e as Error).message));
    app.removeAttribute('aria-busy');
  }
});
