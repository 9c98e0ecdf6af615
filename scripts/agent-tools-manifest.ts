/**
 * Rewrites package.json's `contributes.languageModelTools` from the agent tool registry
 * (src/core/agents/manifest.ts) and adds missing English names to package.nls.json (the title and
 * a one-line user description). French names are written by hand in package.nls.fr.json.
 *   npx tsx scripts/agent-tools-manifest.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AGENT_TOOLS } from '../src/core/agents/registry';
import { manifestTools } from '../src/core/agents/manifest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
pkg.contributes.languageModelTools = manifestTools();
writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
const nls = JSON.parse(readFileSync('package.nls.json', 'utf8'));
for (const t of AGENT_TOOLS) {
  nls[`languageModelTools.${t.name}.displayName`] ??= t.title;
  nls[`languageModelTools.${t.name}.userDescription`] ??= t.description.split(/(?<=\.) /)[0];
}
writeFileSync('package.nls.json', JSON.stringify(nls, null, 2) + '\n');
