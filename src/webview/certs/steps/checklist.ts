/** Step 5 for vCenter Server (browser side): the manual checklist. */
import { h } from '../../shared/dom';
import { m, t } from '../model';
import { section } from '../frame';
import { codeblock } from '../widgets';

export function checklistStep(): HTMLElement {
  const ol = h('ol', { class: 'checklist', id: 'checklist' });
  for (const item of m.snap!.checklist) {
    ol.append(h('li', {}, h('strong', {}, item.title), h('div', {}, item.detail),
      item.command ? codeblock(item.command, '') : null,
      item.source ? h('div', { class: 'src' }, item.source) : null));
  }
  return section(5, t('checklistIntro'), ol);
}
