/**
 * Outline of a .vmx file: one node per device (`scsi0` → `scsi0:0` → its keys, `ethernet0` → its
 * keys), other keys flat. A unit whose controller has no keys of its own (`ide1:0` without any
 * `ide1.*`) stands at the top level.
 */
import * as vscode from 'vscode';
import { groupByDevice, type OutlineEntry, type OutlineUnit } from '../../core/vmx/devices';
import { controllerLabel, deviceLabel } from './labels';
import type { VmxDocumentCache } from './shared';

export class VmxDocumentSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly cache: VmxDocumentCache) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const doc = this.cache.get(document);
    const entries: OutlineEntry[] = doc.entries().map((e) => ({ key: e.key, value: e.value, line: e.line }));
    const lineRange = (line: number) => new vscode.Range(line, 0, line, doc.line(line).text.length);
    const keySymbol = (e: OutlineEntry): vscode.DocumentSymbol => {
      const l = doc.line(e.line);
      return new vscode.DocumentSymbol(e.key, e.value, vscode.SymbolKind.Property, lineRange(e.line), new vscode.Range(e.line, l.keyStart, e.line, l.keyEnd));
    };
    /** A group spanning its children; selection on the first line's key. */
    const group = (name: string, detail: string, kind: vscode.SymbolKind, children: vscode.DocumentSymbol[]): vscode.DocumentSymbol => {
      const range = children.reduce((r, c) => r.union(c.range), children[0].range);
      const s = new vscode.DocumentSymbol(name, detail, kind, range, children[0].selectionRange);
      s.children = children;
      return s;
    };
    const unitSymbol = (u: OutlineUnit) => group(u.id, deviceLabel(u.ref), vscode.SymbolKind.Object, u.entries.map(keySymbol));

    const out: vscode.DocumentSymbol[] = [];
    for (const node of groupByDevice(entries)) {
      if (node.kind === 'entry') {
        out.push(keySymbol(node.entry));
        continue;
      }
      const c = node.controller;
      if (c.entries.length === 0) {
        out.push(...c.units.map(unitSymbol));
        continue;
      }
      const children = [...c.entries.map(keySymbol), ...c.units.map(unitSymbol)].sort((a, b) => a.range.start.compareTo(b.range.start));
      out.push(group(c.id, controllerLabel(c.ref), vscode.SymbolKind.Module, children));
    }
    return out;
  }
}
