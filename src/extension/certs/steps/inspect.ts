/** Step 1: what the host serves now, and the request form suggested from it. */
import { certsCore as core } from '../../../core/certs/lazy';
import { isIpAddress } from '../../../core/certs/hostname';
import type { CertificateInfo } from '../../../core/certs/types';
import type { CertWizardState, RequestForm } from '../../../webview/certs/protocol';
import type { StepHandlers, WizardContext } from './context';

/** Request form for the host; with the served certificate, its CN when the address is an IP, and its O/OU/L/ST/C. */
export function requestDefaults(s: CertWizardState, leaf?: CertificateInfo): RequestForm {
  const cn = !isIpAddress(s.host) ? s.host : (leaf?.subject.commonName ?? s.host);
  const sans = core.request().suggestSans(cn, isIpAddress(s.host) ? s.host : undefined);
  const attrs: Partial<Record<'o' | 'ou' | 'l' | 'st' | 'c', string>> = {};
  for (const name of ['O', 'OU', 'L', 'ST', 'C'] as const) {
    const value = leaf?.subject.attributes.find((a) => a.name === name)?.value;
    if (value) attrs[name.toLowerCase() as Lowercase<typeof name>] = value;
  }
  return { bits: 2048, cn, sans, ...attrs };
}

export function inspectHandlers(ctx: WizardContext): StepHandlers<'inspect'> {
  return {
    async inspect(_p, signal) {
      const s = ctx.panel.state;
      // The chain imported in step 3 names the user's own CA: a host signed by it is not "untrusted".
      const privateRoots = ctx.store.read(s).imported?.chainPems ?? [];
      const r = await core.inspect().inspectEndpoint(s.host, s.port, { timeoutMs: 15_000, signal, privateRoots });
      return { ...r, worst: core.analyse().worstSeverity(r.findings), suggested: requestDefaults(s, r.chain[0]) };
    },
  };
}
